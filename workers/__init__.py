"""The background processes' entry points: the warm worker and the scheduler. The jobs live in service/."""
