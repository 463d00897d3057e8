import ArgumentParser
import CupolaCore
import Foundation

/// The one place where failures become exit codes (sysexits.h, as DESIGN.md lists them).
enum ExitStatus {
    static let usage: Int32 = 64
    static let internalError: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let ioError: Int32 = 74
    static let temporary: Int32 = 75
    static let configuration: Int32 = 78

    static func code(for error: Error) -> Int32 {
        switch error {
        case let failure as LibrarySession.Failure:
            switch failure {
            case .cannotCreate: return cannotCreate
            case .missing: return usage
            case .lock(.held): return temporary
            // The library folder exists by now: a lock file it will not let us write means a
            // read-only library (a read-only mount, or permissions), as the README says: 74.
            case .lock(.cannotOpen(let error)): return error.isReadOnly || [EACCES, EPERM].contains(error.code) ? ioError : cannotCreate
            case .catalog(let error): return code(for: error)
            case .settings: return configuration
            }
        case let error as CatalogError:
            switch error {
            case .cannotOpen: return cannotCreate
            case .diskFull, .lost: return temporary
            default: return ioError
            }
        case is SettingsError: return configuration
        case is IntakeError, is Regenerator.SelectionError: return usage
        case let error as SystemCallError: return error.isDiskFull ? temporary : ioError
        case is ImagingError: return internalError
        default: return internalError
        }
    }

    /// Prints the error on stderr, prefixed with the tool's name, and exits with its code. With
    /// `json` (the command's name, under `--json`) stdout also gets the one summary object.
    static func fail(_ error: Error, json command: String? = nil) -> ExitCode {
        let code = code(for: error)
        Terminal.error("cupola: \(error)")
        if let command { RunReport.printFailure(command: command, error: "\(error)", exitCode: code) }
        return ExitCode(code)
    }
}

enum Terminal {
    static var standardOutputIsInteractive: Bool { isatty(STDOUT_FILENO) == 1 }
    static var standardErrorIsInteractive: Bool { isatty(STDERR_FILENO) == 1 }

    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
