package dev.lathe.models.tokenizer;

import ai.djl.huggingface.tokenizers.jni.LibUtils;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;

/**
 * The thin layer over DJL's JNI binding to Hugging Face's Rust {@code tokenizers} library. We call
 * the raw JNI functions rather than DJL's {@code HuggingFaceTokenizer}, whose Java-side options
 * (lower-casing, prefix spaces, padding/truncation defaults) would make us differ from HF.
 *
 * <p>Native library: DJL ships {@code libtokenizers.so} for linux-x86_64 (and aarch64, macOS arm64,
 * Windows) inside its jar and copies it on first use to {@code ~/.djl.ai/tokenizers/<version>-cpu-<os>/}
 * (or {@code <java.io.tmpdir>/.djl.ai/...} when the home directory is not writable; the
 * {@code DJL_CACHE_DIR} or {@code ENGINE_CACHE_DIR} property/variable moves it). It downloads only
 * for a CUDA "flavor", so unless the user has chosen one we pin {@code RUST_FLAVOR=cpu}: tokenizing
 * needs no GPU and a fresh offline machine with a GPU must not try the network.
 */
final class NativeTokenizers {
    private NativeTokenizers() {}

    /** The binding, loading the native library on first use. */
    static TokenizersLibrary lib() {
        return Holder.LIB;
    }

    private static final class Holder {
        static final TokenizersLibrary LIB = load();

        private static TokenizersLibrary load() {
            if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null) {
                System.setProperty("RUST_FLAVOR", "cpu");
            }
            try {
                LibUtils.checkStatus(); // loads the library; rethrows a failed load
                return TokenizersLibrary.LIB;
            } catch (LinkageError | RuntimeException e) {
                throw new IllegalStateException("cannot load the Hugging Face tokenizers native library "
                        + "(bundled in ai.djl.huggingface:tokenizers for linux-x86_64/aarch64, osx-aarch64, "
                        + "win-x86_64); os.name=" + System.getProperty("os.name") + ", os.arch="
                        + System.getProperty("os.arch") + ": " + e, e);
            }
        }
    }

    static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    static long[] toLongs(int[] ids, int from, int to) {
        long[] out = new long[to - from];
        for (int i = from; i < to; i++) out[i - from] = ids[i];
        return out;
    }
}
