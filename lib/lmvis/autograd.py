"""A scalar reverse-mode automatic differentiation engine, small enough to read in one sitting.

Every :class:`Value` remembers its inputs (``_prev``), the operation that made it (``_op``) and
a closure ``_backward`` that adds its local chain-rule contribution to its inputs' ``grad``.
:meth:`Value.backward` visits the graph in reverse topological order. The design follows
Karpathy's micrograd.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from lmvis import checks


class Value:
    """A scalar with a gradient: ``data`` is the number, ``grad`` is d(output)/d(this)."""

    def __init__(self, data: float, _prev: Iterable[Value] = (), _op: str = "", label: str = ""):
        # ±inf may arise from a computation (and is then visible); NaN never is a value
        self.data = checks.real("data", data, finite=False)
        self.grad = 0.0
        self._prev = tuple(_prev)
        self._op = checks.text("_op", _op)
        self.label = checks.text("label", label)
        self._backward = lambda: None

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    @staticmethod
    def _lift(other: Value | float) -> Value:
        if isinstance(other, Value):
            return other
        return Value(checks.real("other", other, finite=False))

    # --- operations: each sets out._backward to the local derivative times out.grad ---
    def __add__(self, other: Value | float) -> Value:
        other = self._lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._lift(other)
        out = Value(self.data * other.data, (self, other), "×")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float) -> Value:
        k = checks.real("exponent k (a constant)", k)
        out = Value(self.data**k, (self,), f"^{k:g}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a value > 0, got data={self.data}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        out = Value(s, (self,), "σ")

        def _backward():
            self.grad += s * (1 - s) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(self.data if self.data > 0 else 0.0, (self,), "ReLU")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    # --- derived operations ---
    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Value | float) -> Value:
        return self + (-self._lift(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * self._lift(other) ** -1

    def __radd__(self, other: Value | float) -> Value:
        return self + other

    def __rmul__(self, other: Value | float) -> Value:
        return self * other

    def __rsub__(self, other: Value | float) -> Value:
        return self._lift(other) - self

    def __rtruediv__(self, other: Value | float) -> Value:
        return self._lift(other) / self

    # --- the backward pass ---
    def topo_order(self) -> list[Value]:
        """Every node this value depends on, inputs before the nodes that use them."""
        order, seen = [], set()
        stack = [(self, False)]
        while stack:  # iterative depth-first search: deep graphs do not hit the recursion limit
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._prev if id(p) not in seen)
        return order

    def backward(self) -> None:
        """Set ``grad`` of every node to d(self)/d(node): seed 1, then chain rule in reverse."""
        order = self.topo_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
