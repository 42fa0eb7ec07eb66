#!/bin/sh
# plot.sh TITLE UNIT: a grouped bar chart, log scale, as SVG on stdout,
# from rows on stdin, tab-separated: a group's label, then one value per
# series (a level). The first line names the series:
#
#   <tab>L1<tab>L2<tab>L3
#   stat, cold<tab>99.8<tab>836<tab>10536
#   ...
#
# A value that is not a positive number ("-") draws no bar. awk only, so
# a plot needs nothing beyond what the benchmarks already need; any
# browser shows it. Used by tests/bench/chain.sh.
title=${1:?usage: plot.sh TITLE UNIT <rows}
unit=${2:?usage: plot.sh TITLE UNIT <rows}
awk -F '\t' -v title="$title" -v unit="$unit" '
function esc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	return s
}
function num(v) { return v ~ /^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/ && v + 0 > 0 }
function y(v) { return top + plot_h * (1 - (log(v) / log(10) - lo) / (hi - lo)) }
function fmt(v) { return v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v) }
NR == 1 { nser = NF - 1; for (i = 2; i <= NF; i++) ser[i - 1] = $i; next }
{
	ng++
	label[ng] = $1
	for (i = 2; i <= nser + 1; i++) {
		val[ng, i - 1] = $i
		if (num($i)) {
			l = log($i) / log(10)
			if (!seen || l < min) min = l
			if (!seen || l > max) max = l
			seen = 1
		}
	}
}
END {
	split("#4c72b0 #dd8452 #55a868 #c44e52 #8172b3 #937860", color, " ")
	lo = int(min); if (lo > min) lo--
	hi = int(max); if (hi < max) hi++
	if (hi == lo) hi = lo + 1
	left = 70; top = 50; plot_h = 260; bar = 22; gap = 30
	group_w = nser * bar + gap
	width = left + ng * group_w + 20
	if (width < 600) width = 600
	height = top + plot_h + 90
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", width, height
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	printf "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", left, esc(title)
	for (d = lo; d <= hi; d++) {
		yy = y(10 ^ d)
		printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, width - 10, yy, yy
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s %s</text>\n", left - 6, yy + 4, fmt(10 ^ d), esc(unit)
	}
	for (g = 1; g <= ng; g++) {
		x0 = left + (g - 1) * group_w + gap / 2
		for (s = 1; s <= nser; s++) {
			v = val[g, s]
			if (!num(v)) continue
			x = x0 + (s - 1) * bar
			yy = y(v)
			printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s %s</title></rect>\n", x, yy, bar - 2, top + plot_h - yy, color[(s - 1) % 6 + 1], esc(ser[s]), esc(label[g]), v, esc(unit)
			printf "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\">%s</text>\n", x + (bar - 2) / 2, yy - 3, fmt(v)
		}
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x0 + nser * bar / 2, top + plot_h + 16, esc(label[g])
	}
	for (s = 1; s <= nser; s++) {
		lx = left + (s - 1) * 70
		printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", lx, top + plot_h + 40, color[(s - 1) % 6 + 1]
		printf "<text x=\"%d\" y=\"%d\">%s</text>\n", lx + 16, top + plot_h + 50, esc(ser[s])
	}
	printf "<text x=\"%d\" y=\"%d\" fill=\"#666\">log scale; lower is better</text>\n", left + nser * 70 + 10, top + plot_h + 50
	print "</svg>"
}'
