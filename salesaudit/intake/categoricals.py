"""The sales table's text columns held as pandas categoricals (:data:`CATEGORICAL`): categories are the
values present, as ``str``, sorted — a few thousand clients over millions of lines take 2 bytes a line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STR = pd.StringDtype(na_value=np.nan)
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "sales": ("client_id", "manager", "product", "status", "channel", "client_name")
}
"""Text columns held as pandas categoricals: categories are the values present, ``str``, sorted.

Equality, ``isin``, ``groupby`` (observed values only, pandas 3's default), ``sort_values``,
``nunique``, ``astype("str")`` and ``.str`` behave as on ``str`` columns. Not so: filling or
assigning a value that is not a category (``fillna("")``, ``where(..., "x")``) raises, ``.map()``
keeps the category order, ``min``/``max`` raise, ``value_counts`` lists categories no row holds
any more after filtering — take ``astype("str")`` first where that matters."""


def as_categoricals(frame: pd.DataFrame, *, table: str) -> pd.DataFrame:
    """``frame`` with its :data:`CATEGORICAL` columns as intake holds them: categoricals whose
    categories are the values present, as ``str``, sorted (so sorting by the column sorts by text).

    Text or categorical columns are accepted; a frame already in that form is returned as is.

    Examples
    --------
    >>> sales = pd.DataFrame({"client_id": pd.Series(["b", "a", None, "b"], dtype="str")})
    >>> out = as_categoricals(sales, table="sales")
    >>> list(out["client_id"].cat.categories), out["client_id"].isna().tolist()
    (['a', 'b'], [False, False, True, False])
    """
    changed = {}
    for c in CATEGORICAL.get(table, ()):
        if c not in frame.columns:
            continue
        values = original = frame[c]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(STR).astype("category")
        cats = values.cat.categories
        if cats.dtype != STR:
            values = values.cat.rename_categories(pd.Index(cats.astype(STR)))
        if not values.cat.categories.is_monotonic_increasing:
            values = values.cat.reorder_categories(values.cat.categories.sort_values())
        values = _used_categories(values)
        if values is not original:
            changed[c] = values
    return frame.assign(**changed) if changed else frame


def _used_categories(values: pd.Series) -> pd.Series:
    """The categorical without the categories no kept row uses (values of rejected rows)."""
    codes = values.cat.codes.to_numpy()
    seen = np.zeros(len(values.cat.categories) + 1, dtype=bool)
    seen[codes] = True  # code -1 (missing) marks the last slot
    used = seen[:-1]
    if used.all():
        return values
    remap = np.full(len(used) + 1, -1, dtype=codes.dtype)  # last slot: missing (code -1)
    remap[:-1][used] = np.arange(int(used.sum()), dtype=codes.dtype)
    dtype = pd.CategoricalDtype(values.cat.categories[used])
    return pd.Series(
        pd.Categorical.from_codes(remap[codes], dtype=dtype, validate=False),
        index=values.index,
        name=values.name,
    )
