"""Plan stage: target to months, weeks and managers; the reverse funnel; the motivation scheme."""
