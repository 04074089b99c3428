/** JMH benchmarks, routing hot path first; run as {@code java -jar benchmarks/target/benchmarks.jar}. */
package io.gridoverlay.benchmarks;
