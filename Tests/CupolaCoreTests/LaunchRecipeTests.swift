import CupolaPostgres
import Foundation
import Testing

/// The cluster recipes in `Samples/cluster/`: they must at least parse, and start `cupola ingest`
/// workers on one shared catalog.
@Suite("Launch recipes")
struct LaunchRecipeTests {
    static let folder = Corpus.repository.appendingPathComponent("Samples/cluster")

    @Test("the Kubernetes recipe parses as YAML: a PostgreSQL Service and an Indexed Job of cupola ingest workers on it")
    func kubernetesJob() throws {
        let script = """
            import json, sys, yaml
            docs = list(yaml.safe_load_all(open(sys.argv[1])))
            job = next(d for d in docs if d["kind"] == "Job")
            print(json.dumps({"kinds": [d["kind"] for d in docs], "mode": job["spec"]["completionMode"],
                              "parallelism": job["spec"]["parallelism"],
                              "command": job["spec"]["template"]["spec"]["containers"][0]["command"]}))
            """
        let result = try Tool.run("python3", ["-c", script, Self.folder.appendingPathComponent("cupola-ingest-job.yaml").path])
        #expect(result.status == 0, "\(result.output)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(parsed["kinds"] as? [String] == ["Service", "StatefulSet", "Job"])
        #expect(parsed["mode"] as? String == "Indexed")
        #expect((parsed["parallelism"] as? Int ?? 0) > 1)
        let command = parsed["command"] as? [String] ?? []
        #expect(Array(command.prefix(2)) == ["cupola", "ingest"])
        let url = try #require(command.firstIndex(of: "--catalog").map { command[$0 + 1] })
        let location = try PostgresLocation(url)
        #expect(location.endpoint == .tcp(host: "cupola-postgres", port: 5432) && location.database == "cupola")
    }

    @Test("the Slurm recipe passes bash -n and is a job array of cupola ingest workers on one catalog")
    func slurmArray() throws {
        let file = Self.folder.appendingPathComponent("cupola-ingest.sbatch")
        let check = try Tool.run("bash", ["-n", file.path])
        #expect(check.status == 0, "\(check.output)")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.range(of: #"#SBATCH --array=0-\d+%\d+"#, options: .regularExpression) != nil)
        #expect(text.contains("cupola ingest") && text.contains("--catalog \"$CUPOLA_CATALOG\""))
    }

    @Test("the Slurm recipe starts cupola ingest, or cupola regenerate with CUPOLA_COMMAND=regenerate, with the task's cores")
    func slurmCommands() throws {
        let folder = TemporaryFolder()
        // A `cupola` first on PATH that says how it was called.
        let fake = folder.write(Data("#!/bin/sh\necho \"$@\"\n".utf8), to: "bin/cupola")
        chmod(fake.path, 0o755)
        let script = Self.folder.appendingPathComponent("cupola-ingest.sbatch").path
        func run(_ command: String?) throws -> (status: Int32, output: String) {
            let environment = ["PATH=\(fake.deletingLastPathComponent().path):/usr/bin:/bin", "CUPOLA_CATALOG=postgresql:///cupola",
                               "ARCHIVE=/archive", "SLURM_CPUS_PER_TASK=4"] + (command.map { ["CUPOLA_COMMAND=\($0)"] } ?? [])
            return try Tool.run("env", ["-i"] + environment + ["bash", script])
        }
        let common = "--library /archive/library --catalog postgresql:///cupola --jobs 4 --lease 120 --json"
        #expect(try run(nil).output == "ingest /archive/downlink \(common)\n")
        #expect(try run("regenerate").output == "regenerate \(common)\n")
        let wrong = try run("verify")
        #expect(wrong.status == 64 && wrong.output.contains("CUPOLA_COMMAND must be ingest or regenerate, not verify"))
    }
}
