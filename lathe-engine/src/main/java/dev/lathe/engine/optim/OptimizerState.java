package dev.lathe.engine.optim;

import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.optim.Optimizer.Param;
import dev.lathe.engine.optim.Optimizer.ParamState;
import dev.lathe.engine.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The binary format of saved optimizer state, so a training checkpoint can resume bit for bit.
 * Version 1, all integers and floats big-endian, strings as {@link DataOutputStream#writeUTF}
 * (unsigned 16-bit byte length, then modified UTF-8):
 * <pre>
 *   u8[4]   magic "LOPT"
 *   i32     format version (1)
 *   utf     optimizer kind ("AdamW", "SGD")
 *   i64     optimizer step count (the schedule position)
 *   i32     number of parameter entries P (one per optimizer parameter)
 *   P times:
 *     utf     parameter name
 *     i64     times this parameter has been updated (its bias-correction step)
 *     i32     rank r, then i32[r] the parameter's shape
 *     i32     number of state buffers K (0 before the parameter's first update)
 *     K times:
 *       utf     buffer name ("exp_avg", "exp_avg_sq", "momentum_buffer")
 *       f32[n]  the buffer, row-major, n = product of the shape
 *   i32     CRC-32 of every byte above
 * </pre>
 * Hyperparameters are not saved: they belong to the code that builds the optimizer. Loading reads
 * and verifies the whole stream before changing anything: magic, version, optimizer kind, the exact
 * set of parameter names, each shape, the buffer names, and the checksum; a stream that ends early
 * is reported as truncated. The stream is read no further than the checksum, so the state can be
 * embedded in a larger checkpoint stream.
 */
public final class OptimizerState {
    /** "LOPT". */
    public static final int MAGIC = 0x4C4F5054;
    public static final int VERSION = 1;

    private static final ValueLayout.OfFloat NATIVE_F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfFloat BIG_F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int CHUNK = 1 << 16; // bytes per bulk copy
    private static final int MAX_RANK = 64;

    private OptimizerState() {}

    static void write(Optimizer opt, OutputStream sink) throws IOException {
        CRC32 crc = new CRC32();
        // Not closed: closing would close the caller's stream. Flushed below.
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(sink, CHUNK), crc));
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(opt.kind());
        out.writeLong(opt.stepCount());
        out.writeInt(opt.params().size());
        byte[] chunk = new byte[CHUNK];
        List<String> bufferNames = opt.bufferNames();
        for (Param p : opt.params()) {
            ParamState s = opt.stateOf(p.name());
            writeName(out, p.name());
            out.writeLong(s.steps);
            int[] shape = p.tensor().shape();
            out.writeInt(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            int k = s.buffers == null ? 0 : s.buffers.length;
            out.writeInt(k);
            for (int b = 0; b < k; b++) {
                out.writeUTF(bufferNames.get(b));
                writeFloats(out, s.buffers[b].data(), s.buffers[b].numel(), chunk);
            }
        }
        out.flush();
        out.writeInt((int) crc.getValue());
        out.flush();
    }

    static void write(Optimizer opt, Path file) throws IOException {
        AtomicFile.write(file, out -> write(opt, out));
    }

    static void read(Optimizer opt, Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            read(opt, in);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static void read(Optimizer opt, InputStream source) throws IOException {
        CRC32 crc = new CRC32();
        // Unbuffered over the caller's stream so nothing past the checksum is consumed.
        DataInputStream in = new DataInputStream(new CheckedInputStream(source, crc));
        String where = "header";
        try {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IOException(String.format("not Lathe optimizer state: magic 0x%08X, expected 0x%08X (\"LOPT\")",
                        magic, MAGIC));
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("unsupported optimizer state version " + version + "; this build reads version "
                        + VERSION);
            }
            String kind = in.readUTF();
            if (!kind.equals(opt.kind())) {
                throw new IllegalArgumentException("optimizer state was saved by " + kind + ", cannot load it into "
                        + opt.kind());
            }
            long steps = in.readLong();
            int count = in.readInt();
            if (steps < 0 || count < 0) {
                throw new IOException("corrupt optimizer state: step count " + steps + ", entry count " + count);
            }
            Map<String, Param> byName = new HashMap<>();
            for (Param p : opt.params()) {
                byName.put(p.name(), p);
            }
            Map<String, ParamState> loaded = new HashMap<>();
            Set<String> expected = new LinkedHashSet<>(byName.keySet());
            List<String> bufferNames = opt.bufferNames();
            byte[] chunk = new byte[CHUNK];
            for (int e = 0; e < count; e++) {
                where = "entry " + e;
                String name = in.readUTF();
                where = "parameter '" + name + "'";
                Param p = byName.get(name);
                if (p == null) {
                    throw new IllegalArgumentException("optimizer state has parameter '" + name
                            + "', which this optimizer does not have; its parameters are " + byName.keySet());
                }
                if (!expected.remove(name)) {
                    throw new IOException("corrupt optimizer state: parameter '" + name + "' appears twice");
                }
                ParamState s = new ParamState();
                s.steps = in.readLong();
                int rank = in.readInt();
                if (rank < 0 || rank > MAX_RANK) {
                    throw new IOException("corrupt optimizer state: parameter '" + name + "' has rank " + rank);
                }
                int[] shape = new int[rank];
                for (int i = 0; i < rank; i++) {
                    shape[i] = in.readInt();
                }
                int[] want = p.tensor().shape();
                if (!Arrays.equals(shape, want)) {
                    throw new IllegalArgumentException("optimizer state for parameter '" + name + "' has shape "
                            + Arrays.toString(shape) + " but the parameter has shape " + Arrays.toString(want));
                }
                int k = in.readInt();
                if (k != 0 && k != bufferNames.size()) {
                    throw new IOException("corrupt optimizer state: parameter '" + name + "' has " + k
                            + " buffers, " + opt.kind() + " keeps 0 or " + bufferNames.size() + " " + bufferNames);
                }
                if (k > 0) {
                    s.buffers = new Tensor[k];
                    for (int b = 0; b < k; b++) {
                        String bufferName = in.readUTF();
                        if (!bufferName.equals(bufferNames.get(b))) {
                            throw new IllegalArgumentException("optimizer state for parameter '" + name
                                    + "' has buffer '" + bufferName + "' where " + opt.kind() + " expects '"
                                    + bufferNames.get(b) + "'");
                        }
                        where = "buffer '" + bufferName + "' of parameter '" + name + "'";
                        s.buffers[b] = Optimizer.stateTensor(shape);
                        readFloats(in, s.buffers[b].data(), s.buffers[b].numel(), chunk);
                    }
                }
                loaded.put(name, s);
            }
            if (!expected.isEmpty()) {
                throw new IllegalArgumentException("optimizer state has no entry for parameters " + expected
                        + "; it was saved for a different set of parameters");
            }
            where = "checksum";
            int computed = (int) crc.getValue();
            int stored = in.readInt();
            if (stored != computed) {
                throw new IOException(String.format("corrupt optimizer state: checksum 0x%08X does not match the "
                        + "contents (0x%08X)", stored, computed));
            }
            opt.restore(steps, loaded);
        } catch (EOFException e) {
            throw new IOException("optimizer state is truncated: the stream ended in the " + where, e);
        } catch (UTFDataFormatException e) {
            throw new IOException("corrupt optimizer state: bad string in the " + where, e);
        }
    }

    private static void writeName(DataOutputStream out, String name) throws IOException {
        try {
            out.writeUTF(name);
        } catch (UTFDataFormatException e) {
            throw new IllegalArgumentException("parameter name is too long to save (over 65535 bytes): "
                    + name.substring(0, 40) + "...", e);
        }
    }

    private static void writeFloats(DataOutputStream out, MemorySegment data, long n, byte[] chunk)
            throws IOException {
        MemorySegment buf = MemorySegment.ofArray(chunk);
        int per = chunk.length / Float.BYTES;
        for (long i = 0; i < n; i += per) {
            int c = (int) Math.min(per, n - i);
            MemorySegment.copy(data, NATIVE_F32, i * Float.BYTES, buf, BIG_F32, 0, c);
            out.write(chunk, 0, c * Float.BYTES);
        }
    }

    private static void readFloats(DataInputStream in, MemorySegment data, long n, byte[] chunk) throws IOException {
        MemorySegment buf = MemorySegment.ofArray(chunk);
        int per = chunk.length / Float.BYTES;
        for (long i = 0; i < n; i += per) {
            int c = (int) Math.min(per, n - i);
            in.readFully(chunk, 0, c * Float.BYTES);
            MemorySegment.copy(buf, BIG_F32, 0, data, NATIVE_F32, i * Float.BYTES, c);
        }
    }
}
