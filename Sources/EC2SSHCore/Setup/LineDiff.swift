/// A line diff of two texts in unified style (`-` removed, `+` added, ` ` context), for `--dry-run`; no I/O.
public enum LineDiff {
    /// The differences between `old` and `new`, with `context` unchanged lines around each change and `@@` between
    /// distant changes; empty when the texts are equal.
    public static func unified(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3)
        -> [String]
    {
        let a = TextLines(old).lines
        let b = TextLines(new).lines
        guard a != b else { return [] }
        let edits = script(a, b)
        var show = [Bool](repeating: false, count: edits.count)
        for (index, edit) in edits.enumerated() where edit.first != " " {
            for near in max(0, index - context)...min(edits.count - 1, index + context) { show[near] = true }
        }
        var result = ["--- \(oldLabel)", "+++ \(newLabel)"]
        var skipped = true
        for (index, edit) in edits.enumerated() {
            if show[index] {
                if skipped { result.append("@@") }
                result.append(edit)
                skipped = false
            } else {
                skipped = true
            }
        }
        return result
    }

    /// The edit script from `a` to `b` through their longest common subsequence.
    private static func script(_ a: [String], _ b: [String]) -> [String] {
        let n = a.count
        let m = b.count
        var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result: [String] = []
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                result.append(" " + a[i])
                i += 1
                j += 1
            } else if i < n && (j == m || table[i + 1][j] >= table[i][j + 1]) {
                result.append("-" + a[i])
                i += 1
            } else {
                result.append("+" + b[j])
                j += 1
            }
        }
        return result
    }
}
