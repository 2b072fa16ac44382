"""Find the minimum of a bumpy 2-D function (a shifted Rastrigin function).

QD Studio evolves only the code between the EVOLVE-BLOCK markers; the rest stays fixed.
"""
import math
import random


# EVOLVE-BLOCK-START
def search(iterations=2000, bounds=(-5.12, 5.12)):
    """Plain random search: returns (x, y, value) of the best point seen."""
    best = None
    for _ in range(iterations):
        x = random.uniform(*bounds)
        y = random.uniform(*bounds)
        value = objective(x, y)
        if best is None or value < best[2]:
            best = (x, y, value)
    return best
# EVOLVE-BLOCK-END


def objective(x, y):
    """Rastrigin shifted to (1, -0.5): many local minima, global minimum 0 there."""
    dx, dy = x - 1.0, y + 0.5
    return 20 + dx * dx - 10 * math.cos(2 * math.pi * dx) + dy * dy - 10 * math.cos(2 * math.pi * dy)


def run(iterations=2000):
    return search(iterations)


if __name__ == "__main__":
    print(run())
