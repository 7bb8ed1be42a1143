"""Draw the computation graph of an :class:`lmvis.autograd.Value` with matplotlib only.

No graphviz executable: nodes are placed in columns by depth (inputs on the left, the output on
the right), each value is a box showing its label, data and grad, and each operation is a small
circle on the edge into the value it produced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lmvis import checks
from lmvis.autograd import Value
from lmvis.viz import _axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def graph_layout(root: Value) -> dict[int, tuple[float, float]]:
    """Position (x, y) of every node, keyed by ``id(node)``: x = depth from the inputs."""
    checks.instance("root", root, Value, "an lmvis.autograd.Value")
    order = root.topo_order()
    depth: dict[int, int] = {}
    for node in order:  # inputs come first, so parents' depths are known
        depth[id(node)] = 1 + max((depth[id(p)] for p in node._prev), default=-1)
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    pos = {}
    for d, nodes in columns.items():
        k = len(nodes)
        for i, node in enumerate(nodes):
            pos[id(node)] = (float(d), (k - 1) / 2 - i)
    return pos


def draw_graph(root: Value, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Draw ``root``'s graph on ``ax`` (a new figure if None) and return the Axes.

    Each box reads ``label | data | grad``; grads are whatever the last ``backward()`` left
    (0 before any backward pass).
    """
    pos = graph_layout(root)
    order = root.topo_order()
    title = None if title is None else checks.text("title", title)
    n_cols = 1 + max(x for x, _ in pos.values())
    n_rows = max(sum(1 for p in pos.values() if p[0] == c) for c in range(int(n_cols)))
    ax = _axes(ax, figsize=(2.6 * n_cols + 0.8, 1.0 * n_rows + 1.2))
    sx = 2.6  # horizontal spacing in data units
    for node in order:
        x, y = pos[id(node)]
        if node._prev:
            ox = sx * x - 0.95  # the op circle sits just left of its result
            ax.annotate("", xy=(sx * x - 0.72, y), xytext=(ox + 0.17, y),
                        arrowprops={"arrowstyle": "->", "color": "0.3"})
            ax.text(ox, y, node._op, ha="center", va="center", fontsize=9, zorder=3,
                    bbox={"boxstyle": "circle,pad=0.25", "fc": "#fde2b8", "ec": "0.3"})
            for p in node._prev:
                px, py = pos[id(p)]
                ax.annotate("", xy=(ox - 0.17, y), xytext=(sx * px + 0.72, py),
                            arrowprops={"arrowstyle": "->", "color": "0.3",
                                        "shrinkA": 0, "shrinkB": 2})
        name = f"{node.label} | " if node.label else ""
        text = f"{name}data {node.data:.4g} | grad {node.grad:.4g}"
        ax.text(sx * x, y, text, ha="center", va="center", fontsize=8, zorder=3,
                bbox={"boxstyle": "round,pad=0.3", "fc": "#dbe9f6" if node._prev else "#e3f2d9",
                      "ec": "0.3"})
    xs = [sx * x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 1.3, max(xs) + 1.3)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax
