package io.cistern.daemon;

/** Entry point of {@code bin/cistern}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("cistern: not wired yet");
        System.exit(2);
    }
}
