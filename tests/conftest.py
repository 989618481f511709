import torch as th

# The networks of the tests are small: one thread is faster than several, and two test processes or a test
# beside a benchmark do not slow each other down several-fold.
th.set_num_threads(1)
