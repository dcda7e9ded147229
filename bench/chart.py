"""The benchmark chart: requests per second by case and system, as an SVG
bar chart (no plotting library needed, so the suite runs anywhere)."""

from html import escape

COLOURS = ["#2b6cb0", "#63b3ed", "#c05621", "#f6ad55", "#2f855a", "#805ad5", "#718096"]


def render(rows):
    cases = list(dict.fromkeys(row["case"] for row in rows))
    systems = list(dict.fromkeys(row["system"] for row in rows))
    if not rows:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    value = {(row["system"], row["case"]): row["rps"] for row in rows}
    top = nice_ceiling(max(value.values()))
    bar, gap, left, width_plot, height = 14, 18, 170, 620, 0
    group = bar * len(systems) + gap
    height_plot = group * len(cases)
    legend = 20 * len(systems) + 10
    width, height = left + width_plot + 90, height_plot + 60 + legend
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="18" font-size="14" font-weight="bold">'
           'Requests per second (wrk, 2 threads, 64 connections; longer is better)</text>']
    y0 = 30
    for tick in range(0, 6):
        x = left + width_plot * tick / 5
        out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + height_plot}" '
                   'stroke="#e2e8f0"/>')
        out.append(f'<text x="{x:.1f}" y="{y0 + height_plot + 14}" text-anchor="middle" '
                   f'fill="#4a5568">{top * tick / 5:,.0f}</text>')
    for i, case in enumerate(cases):
        y = y0 + i * group + gap / 2
        out.append(f'<text x="{left - 8}" y="{y + bar * len(systems) / 2 + 4:.1f}" '
                   f'text-anchor="end">{escape(case)}</text>')
        for j, system in enumerate(systems):
            rps = value.get((system, case))
            if rps is None:
                continue
            w = width_plot * rps / top
            out.append(f'<rect x="{left}" y="{y + j * bar:.1f}" width="{w:.1f}" '
                       f'height="{bar - 2}" fill="{COLOURS[j % len(COLOURS)]}">'
                       f'<title>{escape(system)}, {escape(case)}: {rps:,.0f} req/s</title></rect>')
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + j * bar + bar - 4:.1f}" '
                       f'font-size="10" fill="#2d3748">{rps:,.0f}</text>')
    ly = y0 + height_plot + 30
    for j, system in enumerate(systems):
        out.append(f'<rect x="{left}" y="{ly + j * 20}" width="12" height="12" '
                   f'fill="{COLOURS[j % len(COLOURS)]}"/>')
        out.append(f'<text x="{left + 18}" y="{ly + j * 20 + 10}">{escape(system)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def nice_ceiling(n):
    """The next round number above `n` for the axis: 1, 2 or 5 times a power of 10."""
    magnitude = 10 ** (len(str(int(n))) - 1)
    for step in (1, 2, 5, 10):
        if n <= step * magnitude:
            return step * magnitude
    return 10 * magnitude
