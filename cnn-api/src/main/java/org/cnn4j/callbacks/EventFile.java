package org.cnn4j.callbacks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One run's TensorBoard event file ({@code
 * <dir>/events.out.tfevents.<seconds>.<host>.<pid>.<uid>.v2}, the name TensorFlow 2's {@code
 * tf.summary.create_file_writer} gives), made on the first {@link #add}, starting with the {@code
 * file_version} event.
 *
 * <p>The file is a TFRecord stream: each record is the data's length (uint64), the masked CRC-32C
 * of those 8 bytes (uint32), the data, and the data's masked CRC-32C (uint32), all little-endian.
 *
 * <p>Events wait in memory until {@link #flush()}, which appends them and closes the file again:
 * nothing stays open between flushes, so a {@code fit} that throws leaves no open file behind
 * (callbacks get no call then), as {@link CSVLogger} does. TensorBoard reads a file that grows this
 * way as it reads TensorFlow's.
 */
final class EventFile {
  private static final int MASK_DELTA = 0xa282ead8;

  private final Path dir;
  private final List<byte[]> pending = new ArrayList<>();
  private Path path;

  EventFile(Path dir) {
    this.dir = dir;
  }

  /** The file, or null before the first event. */
  Path path() {
    return path;
  }

  /** Queues a serialized {@code Event} (see {@link EventProtos}). */
  void add(byte[] event) {
    if (path == null) create();
    pending.add(event);
  }

  /** Appends the queued events to the file. */
  void flush() {
    if (pending.isEmpty()) return;
    try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.APPEND)) {
      for (byte[] event : pending) out.write(record(event));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "TensorBoard: cannot write " + path + ": " + e.getMessage(), e);
    }
    pending.clear();
  }

  /** Wall-clock seconds since the epoch, to the microsecond, as events carry them. */
  static double now() {
    Instant t = Instant.now();
    return t.getEpochSecond() + (t.getNano() / 1000) / 1e6;
  }

  /**
   * Creates the file under a name no other writer holds: TensorFlow makes the name unique with the
   * process id and a per-process counter; here the counter is the first one whose name is free,
   * which also keeps apart two writers started in the same second.
   */
  private void create() {
    long seconds = Instant.now().getEpochSecond();
    String stem =
        String.format(
            "events.out.tfevents.%010d.%s.%d.", seconds, hostname(), ProcessHandle.current().pid());
    try {
      Files.createDirectories(dir);
      for (int uid = 0; ; uid++) {
        Path candidate = dir.resolve(stem + uid + ".v2");
        try {
          Files.write(
              candidate, record(EventProtos.fileVersion(seconds)), StandardOpenOption.CREATE_NEW);
          path = candidate;
          return;
        } catch (FileAlreadyExistsException taken) {
          // another writer holds this one: try the next counter
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "TensorBoard: cannot create an event file in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** One TFRecord around {@code data}. */
  static byte[] record(byte[] data) {
    ByteBuffer r = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    r.putLong(data.length);
    r.putInt(maskedCrc32c(r.array(), 0, 8));
    r.put(data);
    r.putInt(maskedCrc32c(data, 0, data.length));
    return r.array();
  }

  /**
   * CRC-32C (Castagnoli) of the bytes, rotated right by 15 bits plus a constant, as TFRecord (and
   * LevelDB) store it, so that the CRC of data holding CRCs is not itself trivial.
   */
  static int maskedCrc32c(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    int c = (int) crc.getValue();
    return Integer.rotateRight(c, 15) + MASK_DELTA;
  }

  /**
   * The machine's name as {@code gethostname} gives it: the kernel's on Linux, the environment's on
   * Windows, else Java's look-up, which may ask the name service.
   */
  private static String hostname() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel, StandardCharsets.UTF_8).trim();
        if (!name.isEmpty()) return name;
      }
    } catch (IOException e) {
      // fall through to the other sources
    }
    String env = System.getenv("COMPUTERNAME");
    if (env != null && !env.isBlank()) return env;
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
