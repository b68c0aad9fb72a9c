/// What this binary is: Touchstone's version and the Swift compiler that built it.
public enum BuildInfo {
    /// Touchstone's version (`touchstone --version`, `touchstone_build_info{version=…}`).
    public static let version = "0.9.0"

    /// The major.minor version of the Swift compiler that built this binary.
    public static let swiftVersion: String = {
        #if compiler(>=6.4)
        return "6.4+"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }()
}
