package dev.lathe.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizerStateTest {

    @Test
    void theStreamStartsWithMagicVersionKindAndStepCount() throws IOException {
        byte[] bytes = saved(trained());
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        assertThat(in.readInt()).isEqualTo(0x4C4F5054);
        assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("LOPT");
        assertThat(in.readInt()).isEqualTo(OptimizerState.VERSION);
        assertThat(in.readUTF()).isEqualTo("AdamW");
        assertThat(in.readLong()).isEqualTo(2);
        assertThat(in.readInt()).isEqualTo(2);
        assertThat(in.readUTF()).isEqualTo("w");
    }

    @Test
    void everyTruncationIsReportedAsTruncatedAndChangesNothing() throws IOException {
        byte[] bytes = saved(trained());
        AdamW target = fresh();
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> target.loadState(new ByteArrayInputStream(cut)))
                    .as("cut at %d of %d bytes", len, bytes.length)
                    .isInstanceOf(IOException.class).hasMessageContaining("truncated");
        }
        assertThat(target.stepCount()).isZero();
        assertThat(target.buffer("w", "exp_avg")).isNull();
    }

    @Test
    void aFlippedDataBitFailsTheChecksum() throws IOException {
        byte[] bytes = saved(trained());
        bytes[bytes.length - 10] ^= 0x10; // inside the last buffer's floats
        assertThatThrownBy(() -> fresh().loadState(new ByteArrayInputStream(bytes)))
                .isInstanceOf(IOException.class).hasMessageContaining("checksum");
    }

    @Test
    void aWrongMagicOrVersionIsRejected() throws IOException {
        byte[] bytes = saved(trained());
        byte[] magic = bytes.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> fresh().loadState(new ByteArrayInputStream(magic)))
                .isInstanceOf(IOException.class).hasMessageContaining("not Lathe optimizer state");
        byte[] version = bytes.clone();
        ByteBuffer.wrap(version).putInt(4, 99);
        assertThatThrownBy(() -> fresh().loadState(new ByteArrayInputStream(version)))
                .isInstanceOf(IOException.class).hasMessageContaining("version 99");
    }

    @Test
    void stateOfAnotherOptimizerKindIsRejected() throws IOException {
        byte[] bytes = saved(trained());
        Sgd sgd = new Sgd(params(), Sgd.Config.of(0.1).withMomentum(0.9));
        assertThatThrownBy(() -> sgd.loadState(new ByteArrayInputStream(bytes)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("saved by AdamW");
    }

    @Test
    void mismatchedNamesOrShapesAreRejectedNamingTheParameter() throws IOException {
        byte[] bytes = saved(trained());
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        renamed.put("w", Tensor.zeros(3, 4).requiresGrad(true));
        renamed.put("bias", Tensor.zeros(5).requiresGrad(true));
        assertThatThrownBy(() -> new AdamW(renamed).loadState(new ByteArrayInputStream(bytes)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b'");

        Map<String, Tensor> reshaped = new LinkedHashMap<>();
        reshaped.put("w", Tensor.zeros(4, 3).requiresGrad(true));
        reshaped.put("b", Tensor.zeros(5).requiresGrad(true));
        assertThatThrownBy(() -> new AdamW(reshaped).loadState(new ByteArrayInputStream(bytes)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'").hasMessageContaining("[3, 4]").hasMessageContaining("[4, 3]");

        Map<String, Tensor> more = params();
        more.put("extra", Tensor.zeros(2).requiresGrad(true));
        assertThatThrownBy(() -> new AdamW(more).loadState(new ByteArrayInputStream(bytes)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[extra]");
    }

    @Test
    void loadingLeavesTrailingBytesForTheNextReaderAndFilesRoundTrip(@TempDir Path dir) throws IOException {
        AdamW opt = trained();
        byte[] bytes = saved(opt);
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);
        padded[bytes.length] = 42;
        ByteArrayInputStream in = new ByteArrayInputStream(padded);
        fresh().loadState(in);
        assertThat(in.read()).isEqualTo(42);

        Path file = dir.resolve("state.lopt");
        opt.saveState(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        AdamW loaded = fresh();
        loaded.loadState(file);
        assertThat(saved(loaded)).isEqualTo(bytes);
        Files.write(file, Arrays.copyOf(bytes, 20));
        assertThatThrownBy(() -> fresh().loadState(file))
                .hasMessageContaining(file.toString()).hasMessageContaining("truncated");
    }

    private static Map<String, Tensor> params() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("w", Tensor.randn(1, 3, 4).requiresGrad(true));
        p.put("b", Tensor.randn(2, 5).requiresGrad(true));
        return p;
    }

    private static AdamW fresh() {
        return new AdamW(params());
    }

    private static AdamW trained() {
        Map<String, Tensor> p = params();
        AdamW opt = new AdamW(p);
        for (int s = 0; s < 2; s++) {
            p.get("w").setGrad(Tensor.randn(10 + s, 3, 4));
            p.get("b").setGrad(Tensor.randn(20 + s, 5));
            opt.step();
        }
        return opt;
    }

    private static byte[] saved(Optimizer opt) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        opt.saveState(out);
        return out.toByteArray();
    }
}
