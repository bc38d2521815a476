/// File sizes as French people read them, shared by the hint under a file field (Rendering)
/// and the message when a file is too large (FormKit), so both always say the same limit.
public enum FileSize {
    /// A limit in decimal units, as file managers show them: 5_000_000 → "5 Mo",
    /// 2_500_000 → "2,5 Mo", 500_000 → "500 ko", 800 → "800 octets".
    ///
    /// Rounded *down* (to a tenth of a megabyte, or to the kilobyte): the figure is a maximum,
    /// and a file the person sees as within it must never be refused for being over it.
    public static func french(_ bytes: Int) -> String {
        if bytes >= 1_000_000 {
            let tenths = bytes / 100_000
            return tenths % 10 == 0 ? "\(tenths / 10) Mo" : "\(tenths / 10),\(tenths % 10) Mo"
        }
        if bytes >= 1_000 { return "\(bytes / 1_000) ko" }
        return bytes <= 1 ? "\(max(bytes, 0)) octet" : "\(bytes) octets"
    }
}
