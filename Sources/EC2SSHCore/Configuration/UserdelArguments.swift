/// Reads USERDEL_ARGS the way userdel's getopt_long does, to take the home removal out of it.
///
/// userdel's options: `-f`/`--force`, `-r`/`--remove`, `-Z`/`--selinux-user`, `-h`/`--help`, and `-R`/`--root`
/// and `-P`/`--prefix`, which take a value. Short options may be clustered (`-fr`) and long ones abbreviated
/// (`--rem`).
public enum UserdelArguments {
    /// Whether `arguments` ask userdel to remove the home directory (and mail spool).
    public static func removesHome(_ arguments: [String]) -> Bool {
        withoutHomeRemoval(arguments) != arguments
    }

    /// `arguments` without `-r`, `--remove` or any abbreviation of it; other options and values are kept as they
    /// are.
    public static func withoutHomeRemoval(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if argument == "--" {
                kept.append(argument)
                kept += rest
                break
            }
            if argument.hasPrefix("--") {
                let name = argument.dropFirst(2).prefix { $0 != "=" }
                if name.count >= 2 && "remove".hasPrefix(name) { continue }
                kept.append(argument)
                let takesValue =
                    !argument.contains("=") && !name.isEmpty
                    && ("root".hasPrefix(name) || "prefix".hasPrefix(name)) && !"remove".hasPrefix(name)
                if takesValue, let value = rest.popFirst() { kept.append(value) }
                continue
            }
            guard argument.hasPrefix("-"), argument.count > 1 else {
                kept.append(argument)
                continue
            }
            var cluster = "-"
            var valueFollows = false
            var letters = argument.dropFirst()
            while let letter = letters.popFirst() {
                if letter == "R" || letter == "P" {
                    cluster.append(letter)
                    cluster += letters
                    valueFollows = letters.isEmpty
                    break
                }
                if letter != "r" { cluster.append(letter) }
            }
            if cluster != "-" { kept.append(cluster) }
            if valueFollows, let value = rest.popFirst() { kept.append(value) }
        }
        return kept
    }
}
