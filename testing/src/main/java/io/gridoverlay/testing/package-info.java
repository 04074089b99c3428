/** Test support shared by the modules' tests: QuickTheories generators and polling with a deadline. */
package io.gridoverlay.testing;
