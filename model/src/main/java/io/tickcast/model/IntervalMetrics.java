package io.tickcast.model;

/**
 * How a conformal interval did on a window.
 *
 * @param level nominal coverage, e.g. 0.9
 * @param quantile the calibrated multiple of σ̂
 * @param coverage share of rows whose label fell inside the interval
 * @param meanWidth mean full width (upper - lower), in log-return units
 */
public record IntervalMetrics(double level, double quantile, double coverage, double meanWidth) {}
