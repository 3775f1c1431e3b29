"""Figures drawn for check tests: a matplotlib figure made by `draw(fig, ax)`, closed so none piles up."""


def figure(draw):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    draw(fig, ax)
    plt.close(fig)
    return fig
