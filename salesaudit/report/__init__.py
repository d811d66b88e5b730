"""The deliverable: notebook display helpers, charts, labels and formats, HTML, PDF, workbook, brand."""
