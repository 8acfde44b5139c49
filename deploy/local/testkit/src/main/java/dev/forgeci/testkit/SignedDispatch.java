package dev.forgeci.testkit;

/**
 * One job-dispatched record with the signature the scheduler gives it under {@link #KEY}, worked
 * out apart from both services' code (Python's hmac): the scheduler's signer must produce it and the
 * controller's verifier must accept it, so the two agree on what is signed.
 */
public final class SignedDispatch {

    public static final String KEY = "forge-golden-dispatch-key-0123456789abcdef";
    public static final String RECORD_KEY = "01JZGOLDENRUN0000000000000";
    public static final String VALUE =
            "{\"runId\":\"01JZGOLDENRUN0000000000000\",\"jobId\":\"build\",\"attempt\":1,\"trusted\":true}";
    public static final String SIGNATURE = "v1=f57d790d07a7c8bb4c5819b12369251ca3680c08a5ce5f796e9023647d2ea355";

    private SignedDispatch() {}
}
