/** The dataset report: counts per cleaning step and split, labels, length histograms; console table and JSON. */
package dev.lathe.tune.data.report;
