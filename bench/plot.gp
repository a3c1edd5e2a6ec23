# gnuplot -e "datafile='x.csv'; outfile='x.png'" bench/plot.gp
set terminal pngcairo size 1100,600 noenhanced
set rmargin 6
set bmargin 8
set output outfile
set datafile separator ","
set title "tofu vs native: instructions per operation (QEMU -icount shift=0, -cpu max)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "instructions (log scale)"
set xtics rotate by -35
set key top left
set grid ytics
plot datafile every ::1 using 2:xtic(1) title "tofu", \
     '' every ::1 using ($4 > 0 ? $4 : 1/0) title "native"
