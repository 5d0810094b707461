"""Background work: jobs, the worker and the scheduler."""
