package io.cistern.target.login;

/** The result of looking up a TargetName. */
public sealed interface TargetLookup {
    record Found(TargetInfo target) implements TargetLookup {}

    /** No such target: login status 0x0203. */
    record NotFound() implements TargetLookup {}

    /** The target existed but was removed: login status 0x0204. */
    record Removed() implements TargetLookup {}
}
