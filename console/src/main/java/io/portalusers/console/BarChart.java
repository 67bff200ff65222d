package io.portalusers.console;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A bar chart drawn as SVG by the page's template, its geometry worked out here: groups of
 * bars (one bar per series in each group), a value axis with round ticks, and each bar's value
 * written above it and in its tooltip. No script draws it, so it shows without JavaScript, and
 * the page gives the same figures as a table beside it for whoever reads rather than looks.
 */
public record BarChart(String id, String title, List<Series> series, List<Group> groups, List<Tick> ticks,
                       int width, int height, double plotLeft, double plotRight, double plotBottom) {

    static final int WIDTH = 640;
    static final int HEIGHT = 240;
    private static final double LEFT = 56;
    private static final double RIGHT = 8;
    private static final double TOP = 18;
    private static final double BOTTOM = 36;

    /** One kind of figure, with its colour (a CSS class) and its name in the legend. */
    public record Series(String name, String cssClass) {
    }

    /** The bars of one label (a week, a state), and where its label goes. */
    public record Group(String label, double labelX, List<Bar> bars) {
    }

    public record Bar(double x, double y, double width, double height, String cssClass, String title, String value,
                      double valueX, double valueY) {
    }

    public record Tick(double y, String label) {
    }

    /**
     * The chart of {@code values[g][s]}, the figure of series {@code s} in group {@code g}, each
     * written by {@code format}.
     */
    static BarChart of(String id, String title, List<String> seriesNames, List<String> labels, List<long[]> values,
                       LongFunction<String> format) {
        long max = 0;
        for (long[] group : values) {
            for (long value : group) {
                max = Math.max(max, value);
            }
        }
        long step = step(max);
        long top = step * 4;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double plotWidth = WIDTH - LEFT - RIGHT;
        List<Series> series = new ArrayList<>();
        for (int s = 0; s < seriesNames.size(); s++) {
            series.add(new Series(seriesNames.get(s), "series-" + s));
        }
        List<Group> groups = new ArrayList<>();
        double groupWidth = labels.isEmpty() ? plotWidth : plotWidth / labels.size();
        double barWidth = Math.min(64, groupWidth * 0.8 / Math.max(1, seriesNames.size()));
        for (int g = 0; g < labels.size(); g++) {
            double groupStart = LEFT + g * groupWidth + (groupWidth - barWidth * seriesNames.size()) / 2;
            List<Bar> bars = new ArrayList<>();
            for (int s = 0; s < seriesNames.size(); s++) {
                long value = values.get(g)[s];
                double height = plotHeight * value / top;
                double x = groupStart + s * barWidth;
                double y = TOP + plotHeight - height;
                String shown = format.apply(value);
                bars.add(new Bar(round(x), round(y), round(Math.max(1, barWidth - 2)), round(height), "series-" + s,
                        labels.get(g) + ", " + seriesNames.get(s) + ": " + shown, shown, round(x + barWidth / 2 - 1),
                        round(y - 4)));
            }
            groups.add(new Group(labels.get(g), round(LEFT + g * groupWidth + groupWidth / 2), bars));
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            ticks.add(new Tick(round(TOP + plotHeight - plotHeight * i / 4), format.apply(step * i)));
        }
        return new BarChart(id, title, series, groups, ticks, WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP + plotHeight);
    }

    static BarChart counts(String id, String title, List<String> seriesNames, List<String> labels, List<long[]> values) {
        return of(id, title, seriesNames, labels, values, Long::toString);
    }

    /** A round step for four ticks that reach {@code max} or beyond: 1, 2 or 5 times a power of ten. */
    static long step(long max) {
        long needed = Math.max(1, (max + 3) / 4);
        long power = 1;
        while (true) {
            for (long factor : new long[] {1, 2, 5}) {
                if (factor * power >= needed) {
                    return factor * power;
                }
            }
            power *= 10;
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
