"""Plan stage: target to months, weeks and managers; the reverse funnel; the motivation scheme.

In the order the chain runs: ``allocation`` (largest-remainder rounding), ``months`` (target,
seasonality, months), ``managers`` (roster, capacity, shares, split among managers), ``weeks``
(week-parts), ``funnel`` (activity norms), ``decomposition`` (the entry point ``decompose_plan`` and
the report views), ``motivation`` (pay schemes); ``notes`` alone holds the wording.
"""
