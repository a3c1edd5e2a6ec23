# The plot of make bench (scripts/bench-plot.sh prepares its two inputs):
#   budgetfile: tab-separated tick label, % of budget used, value, budget,
#               unit, over budget (0/1): one row per budgeted figure, drawn
#               green, or red when over its budget
#   countfile:  the results CSV without the wall-clock row
set terminal pngcairo size 1200,1100 noenhanced font ",10"
set output outfile
set multiplot layout 2,1 title "make bench ".title_src."\nQEMU -icount shift=0, 1 instruction = 1 counter tick (micro-benchmarks on -cpu max, Linux on cortex-a57)\nwall clock: median of 3; NVMe rates: host clock, median of 5; virtio-blk: median of 5" font ",11"

# ---- every figure make bench checks, against its budget ---------------------
set datafile separator "\t"
set title "Every figure make bench checks, as the share of its budget it uses (bench/budgets.txt); above each: its value, its budget, the unit"
set ylabel "% of budget used"
set yrange [0:*]
set ytics 25
set grid ytics
set xtics rotate by -35 offset 0,0
set xrange [-0.6:*]
set bmargin 7
set rmargin 10
set style fill solid 0.8 border -1
set boxwidth 0.6
unset key
set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead lc rgb "#cc0000" lw 2 dt 2 front
set label 1 "budget" at graph 1, first 100 left offset 0.5,0 tc rgb "#cc0000" front
stats budgetfile using 2 nooutput
set yrange [0:(STATS_max > 100 ? STATS_max : 100) * 1.3]
# A label above its bar, or above the budget line when the bar nears it.
label_y(p) = p > 75 ? (p > 100 ? p : 100) : p
plot budgetfile using 0:2:($6 > 0 ? 0xcc3333 : 0x33a070):xtic(1) with boxes lc rgb variable, \
     '' using 0:(label_y($2)):(sprintf("%s\n%s\n%s", strcol(3), strcol(4), strcol(5))) \
        with labels center offset 0,2.4 font ",9"

# ---- tofu beside native -------------------------------------------------------
unset arrow 1
unset label 1
set datafile separator ","
set title "Instructions per operation, tofu beside native (Linux boot: instructions to /init; *_smmu: beside the VM without SMMU streams)"
set style data histograms
set style histogram clustered gap 1
set logscale y
set yrange [1:*]
set ytics auto
set ylabel "instructions (log scale)"
set xrange [*:*]
set boxwidth 0.9 relative
set key top left
plot countfile every ::1 using 2:xtic(1) title "tofu", \
     '' every ::1 using ($4 > 0 ? $4 : 1/0) title "native"
unset multiplot
