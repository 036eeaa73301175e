package dev.lathe.serve.http;

/** Who may call a route. */
enum Access {
    /** Anyone: health, readiness, metrics. */
    PUBLIC,
    /** An API key when keys are required (off on loopback by default). */
    API_KEY,
    /** An API key whenever a keys file exists; without one, only callers on the loopback interface. */
    ADMIN
}
