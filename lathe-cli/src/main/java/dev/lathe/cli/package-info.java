/** The {@code lathe} command line: picocli commands over the Lathe modules. */
package dev.lathe.cli;
