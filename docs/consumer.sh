#!/usr/bin/env bash
# A user's project, outside this repository, as README's "Maven coordinates" describes it: it imports
# cnn4j-bom, depends on cnn-backend-cpu (or cnn-backend-cpu-platform), has a module-info.java with
# plain 'requires org.cnn4j.api; requires org.cnn4j.backend.cpu;', and runs on the module path:
# one training step of a tiny CNN on the CPU backend, then a prediction.
#
#   mvn -DskipTests install && docs/consumer.sh [DIR]     # DIR default: a new temporary folder
#   CNN4J_ARTIFACT=cnn-backend-cpu-platform docs/consumer.sh
#   docs/consumer.sh --trees [DIR]   # instead: the natives Maven resolves for each of the five
#                                    # platforms, with the OS and architecture Maven sees set as on
#                                    # that platform (so our POMs' javacpp-* profiles choose)
#
# It uses the local repository the install went to (the options in .mvn/maven.config, if any).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
trees=false
if [ "${1:-}" = --trees ]; then trees=true; shift; fi
dir=${1:-$(mktemp -d)/consumer}
artifact=${CNN4J_ARTIFACT:-cnn-backend-cpu}
props="$root/cnn-api/target/classes/org/cnn4j/cnn4j-version.properties"
[ -f "$props" ] || { echo "no $props: run 'mvn -DskipTests install' first" >&2; exit 1; }
version=$(sed -n 's/^version=//p' "$props")
mvn_args=$(cat "$root/.mvn/maven.config" 2>/dev/null || true)

mkdir -p "$dir/src/main/java/example"
cat > "$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>consumer</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.cnn4j</groupId><artifactId>cnn4j-bom</artifactId><version>$version</version>
        <type>pom</type><scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency><groupId>org.cnn4j</groupId><artifactId>$artifact</artifactId></dependency>
    <!-- A logger for cnn4j's one INFO line naming the backend it chose (any SLF4J 2 binding). -->
    <dependency>
      <groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>2.0.17</version>
      <scope>runtime</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version>
      </plugin>
      <plugin>
        <artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version>
        <executions>
          <execution>
            <id>lib</id><phase>package</phase><goals><goal>copy-dependencies</goal></goals>
            <configuration>
              <outputDirectory>\${project.build.directory}/lib</outputDirectory>
              <includeScope>runtime</includeScope>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
EOF
cat > "$dir/src/main/java/module-info.java" <<'EOF'
module example.consumer {
  requires org.cnn4j.api;
  requires org.cnn4j.backend.cpu;
}
EOF
cat > "$dir/src/main/java/example/Main.java" <<'EOF'
package example;

import java.util.TreeSet;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;

/** One training step of a tiny CNN, then a prediction, on whatever backend cnn4j finds. */
public final class Main {
  public static void main(String[] args) {
    var modules = new TreeSet<String>();
    for (Module m : ModuleLayer.boot().modules()) {
      if (m.getName().startsWith("org.cnn4j") || m.getName().startsWith("org.bytedeco")) {
        modules.add(m.getName() + (m.getDescriptor().isAutomatic() ? " (automatic)" : ""));
      }
    }
    System.out.println("modules: " + modules);
    int n = 8;
    float[] x = new float[n * 8 * 8];
    float[] y = new float[n];
    for (int i = 0; i < x.length; i++) x[i] = (i * 37 % 11) / 11f;
    for (int i = 0; i < n; i++) y[i] = i % 2;
    var data = new LabeledImages(x, y, n, 8, 8, 1);
    try (Sequential model =
        new Sequential(
            new Input(8, 8, 1), new Conv2D(4, 3, "relu"), new Flatten(), new Dense(2, "softmax"))) {
      model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
      var history = model.fit(data, FitOptions.epochs(1).batchSize(n).verbose(0));
      System.out.println("loss after one step: " + history.history().get("loss").get(0));
      System.out.println("p(class 1 | first image) = " + model.predict(data).values()[1]);
    }
  }
}
EOF

cd "$dir"
if $trees; then
  # os.name/os.arch as each platform's JVM reports them, read by Maven's profile activation. Not for
  # Windows: on Linux, Maven 3.8's console library then calls Windows' API and crashes, so that
  # platform is named with -Djavacpp.platform (the override users have too).
  for p in "Linux amd64 linux-x86_64" "Linux aarch64 linux-arm64" "Mac_OS_X x86_64 macosx-x86_64" \
    "Mac_OS_X aarch64 macosx-arm64" "- - windows-x86_64"; do
    set -- $p
    if [ "$1" = - ]; then
      echo "== $3 (-Djavacpp.platform=$3)"
      opts="" args="-Djavacpp.platform=$3"
    else
      echo "== $3 (os.name=$1 os.arch=$2)"
      opts="-Dos.name=$1 -Dos.arch=$2" args=""
    fi
    # shellcheck disable=SC2086
    MAVEN_OPTS="$opts" mvn -B $mvn_args $args dependency:tree \
      | grep -E 'org\.bytedeco:.*:(linux|macosx|windows)-|cnn-backend-cpu-natives' | sed 's/^\[INFO\] //'
  done
  exit 0
fi
# shellcheck disable=SC2086
mvn -B -q $mvn_args package
echo "+ java --module-path target/classes:target/lib -m example.consumer/example.Main"
OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE \
  java --module-path target/classes:target/lib -m example.consumer/example.Main
