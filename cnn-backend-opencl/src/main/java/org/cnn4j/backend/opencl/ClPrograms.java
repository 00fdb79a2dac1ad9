package org.cnn4j.backend.opencl;

import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseProgram;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnn4j.spi.BackendException;
import org.jocl.Pointer;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * Builds the {@code .cl} resources (one per op family, beside this class under {@code kernels/})
 * once per context and caches their programs and kernels. A source may be built with several option
 * strings (e.g. GEMM's transpose variants); each combination is built on first use.
 */
final class ClPrograms implements AutoCloseable {
  private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"([\\w.]+)\"$");

  private final ClContext cl;
  private final Map<String, cl_program> programs = new HashMap<>();
  private final Map<String, ClKernel> kernels = new HashMap<>();

  ClPrograms(ClContext cl) {
    this.cl = cl;
  }

  /** The kernel {@code name} of {@code file} built with {@code options} (may be empty). */
  synchronized ClKernel kernel(String file, String options, String name) {
    cl.ensureHealthy(name); // after close the programs are released and the context gone
    String key = file + '|' + options + '|' + name;
    ClKernel kernel = kernels.get(key);
    if (kernel == null) {
      cl_program program = program(file, options);
      int[] err = new int[1];
      var handle = clCreateKernel(program, name, err);
      cl.check(err[0], "clCreateKernel", name + " in " + file);
      kernel = new ClKernel(cl, name, handle);
      kernels.put(key, kernel);
    }
    return kernel;
  }

  ClKernel kernel(String file, String name) {
    return kernel(file, "", name);
  }

  private cl_program program(String file, String options) {
    String key = file + '|' + options;
    cl_program program = programs.get(key);
    if (program != null) return program;
    int[] err = new int[1];
    program = clCreateProgramWithSource(cl.context(), 1, new String[] {source(file)}, null, err);
    cl.check(err[0], "clCreateProgramWithSource", file);
    cl_device_id[] devices = {cl.device().device()};
    int status = clBuildProgram(program, 1, devices, options, null, null);
    if (status != ClStatus.SUCCESS) {
      String log = buildLog(program);
      clReleaseProgram(program);
      throw new BackendException(
          OpenClBackendProvider.ID,
          "build " + file,
          ClStatus.name(status),
          "the OpenCL compiler of "
              + cl.device().name()
              + " rejected "
              + file
              + " (options '"
              + options
              + "'):\n"
              + log,
          null);
    }
    programs.put(key, program);
    return program;
  }

  private String buildLog(cl_program program) {
    long[] size = new long[1];
    cl_device_id device = cl.device().device();
    if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size) != 0) {
      return "(no build log)";
    }
    byte[] bytes = new byte[(int) size[0]];
    clGetProgramBuildInfo(
        program, device, CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
    return new String(bytes, StandardCharsets.UTF_8).trim();
  }

  /**
   * The resource {@code kernels/file} with each line {@code #include "name"} replaced by the
   * resource {@code kernels/name}, read the same way (the program is built from one string, so the
   * compiler has no folder to look in). That is how {@code scalar_ops.h}, the scalar functions
   * shared with the CUDA backend's kernels, reaches the programs that use it.
   */
  static String source(String file) {
    Matcher include = INCLUDE.matcher(resource(file));
    StringBuilder expanded = new StringBuilder();
    while (include.find()) {
      include.appendReplacement(expanded, Matcher.quoteReplacement(source(include.group(1))));
    }
    return include.appendTail(expanded).toString();
  }

  private static String resource(String file) {
    try (InputStream in = ClPrograms.class.getResourceAsStream("kernels/" + file)) {
      if (in == null)
        throw new IllegalStateException(
            "kernel source kernels/" + file + " is missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading kernels/" + file, e);
    }
  }

  @Override
  public synchronized void close() {
    kernels.values().forEach(k -> clReleaseKernel(k.handle()));
    kernels.clear();
    programs.values().forEach(p -> clReleaseProgram(p));
    programs.clear();
  }
}
