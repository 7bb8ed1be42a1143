"""Checkers for the exercises at the end of each chapter (练习): ``ch01`` ... one module per
chapter, on the shared core :mod:`lmvis.exercises.core`.

A check cell calls a checker with the reader's function (or hand answer); it prints a verdict
(✓, or what is wrong with a hint) and returns True, False, or None while the exercise is not
attempted yet. It never raises because of the reader's code, so a notebook runs top to bottom::

    from lmvis.exercises import ch02
    ch02.check_stable_sigmoid(stable_sigmoid)
"""
