# The attack benchmark's picture: one panel per question, one bar group per
# configuration (rows of the CSV, in order). Called by bench/attack.sh as
#   gnuplot -e "csv='FILE.csv'; out='FILE.png'; title='...'" plot.gp
set datafile separator ","
set terminal pngcairo size 1400,950 font "sans,11"
set output out
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set xtics nomirror
set key top left noenhanced
set termoption noenhanced
if (!exists("title")) title = "Kamailio under a junk flood"
set multiplot layout 2,2 title title font "sans,14"

set title "Legitimate calls completed (%)"
set yrange [0:105]
plot csv using (column("success_pct")):xtic(1) title "success %" lc rgb "#2a9d8f"

set title "SIPp response time (ms, log scale)"
set logscale y
set yrange [0.05:*]
plot csv using (column("rt_p50_ms")):xtic(1) title "p50" lc rgb "#8ecae6", \
     ''  using (column("rt_p95_ms")) title "p95" lc rgb "#219ebc", \
     ''  using (column("rt_p99_ms")) title "p99" lc rgb "#023047"

set title "Junk that reached Kamailio (log scale, +1)"
set yrange [0.8:*]
plot csv using (column("junk_at_socket") + 1):xtic(1) title "datagrams at its socket" lc rgb "#f4a261", \
     ''  using (column("kam_junk_rcv") + 1) title "requests it parsed (script:junk_rcv)" lc rgb "#e76f51"

set title "CPU seconds during the run"
unset logscale y
set yrange [0:*]
plot csv using (column("kam_cpu_s")):xtic(1) title "Kamailio (user+sys)" lc rgb "#6d597a", \
     ''  using (column("softirq_s")) title "softirq, whole machine" lc rgb "#b56576"
unset multiplot
