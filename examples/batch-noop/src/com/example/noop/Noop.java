package com.example.noop;

/**
 * The smallest batch pipeline: prints one line as soon as main runs and exits 0. It reads no
 * configuration, so `java -cp batch-noop.jar com.example.noop.Noop` runs it exactly as Sluice
 * does; the activate-latency benchmark compares the two (that first line marks "main started").
 */
public final class Noop {
    public static void main(String[] args) {
        System.out.println("noop started");
    }
}
