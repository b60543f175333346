/// Shell-style file name matching (`*`, `?`, `[...]`) for sshd's Include patterns; no I/O.
public enum GlobPattern {
    /// Splits an absolute pattern into its directory and its last component, for example
    /// "/etc/ssh/sshd_config.d/*.conf" into "/etc/ssh/sshd_config.d" and "*.conf".
    public static func split(_ pattern: String) -> (directory: String, name: String) {
        guard let slash = pattern.lastIndex(of: "/") else { return (".", pattern) }
        let directory = String(pattern[..<slash])
        return (directory.isEmpty ? "/" : directory, String(pattern[pattern.index(after: slash)...]))
    }

    /// Whether `name` matches `pattern`; like the shell, a leading dot is only matched by a literal dot.
    public static func matches(_ name: String, _ pattern: String) -> Bool {
        if name.hasPrefix(".") && !pattern.hasPrefix(".") { return false }
        return match(Array(name), 0, Array(pattern), 0)
    }

    private static func match(_ name: [Character], _ i: Int, _ pattern: [Character], _ j: Int) -> Bool {
        if j == pattern.count { return i == name.count }
        switch pattern[j] {
        case "*":
            for start in i...name.count where match(name, start, pattern, j + 1) { return true }
            return false
        case "?":
            return i < name.count && match(name, i + 1, pattern, j + 1)
        case "[":
            guard i < name.count, let close = pattern[(j + 1)...].firstIndex(of: "]") else {
                return i < name.count && name[i] == "[" && match(name, i + 1, pattern, j + 1)
            }
            var set = Array(pattern[(j + 1)..<close])
            let negated = set.first == "!" || set.first == "^"
            if negated { set.removeFirst() }
            var found = false
            var k = 0
            while k < set.count {
                if k + 2 < set.count && set[k + 1] == "-" {
                    if set[k] <= name[i] && name[i] <= set[k + 2] { found = true }
                    k += 3
                } else {
                    if set[k] == name[i] { found = true }
                    k += 1
                }
            }
            return found != negated && match(name, i + 1, pattern, close + 1)
        default:
            return i < name.count && name[i] == pattern[j] && match(name, i + 1, pattern, j + 1)
        }
    }
}
