import Foundation
import PolicyValues
import PolicyFiles
import PolicyRuntime

/// Writes a deterministic customer file shaped like the reference workload
/// (WORKLOAD.md): skewed spend (log-normal), ~20% Chinese names, ~5% names with a
/// comma (quoted), ~0.1% with an embedded quote, empty e-mails, birthdays and
/// satisfaction scores, 29 February birthdays, and every date relative to the
/// as-of date 2026-11-22. The same count and seed always give the same bytes, and
/// row i does not depend on the count. Rows are streamed, so memory stays small.
struct CustomerGenerator {
    var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    static let header = "id,name,email,city,signup_date,last_order_date,orders,total_spend,spend_last_90d,spend_prev_90d,birthday,referrals,complaints_open,satisfaction,opt_in\n"
    static let first = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
                        "William", "Barbara", "Zoë", "José", "Renée", "Søren", "Łukasz", "Chloé", "Aoife", "Mateo"]
    static let last = ["Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Martinez", "O'Brien", "Müller",
                       "Dubois", "Kowalski", "Jensen", "Rossi", "Nguyen", "Patel", "Kim", "Lee", "Walker", "Young"]
    static let suffixes = ["Jr.", "Sr.", "III", "PhD"]
    static let nicknames = ["Bob", "Liz", "Bill", "Kate"]
    static let surnames = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("欧阳", "ouyang")]
    static let given = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚").map(String.init)
    static let cities = ["New York", "Chicago", "Houston", "Seattle", "Boston", "Toronto", "London", "Paris", "Berlin", "München",
                         "Zürich", "Madrid", "São Paulo", "Sydney", "Tokyo", "Seoul", "Singapore", "Mumbai"]
    static let chineseCities = ["上海", "北京", "深圳", "广州", "杭州", "成都", "香港", "Vancouver"]
    static let domains = ["gmail.com", "outlook.com", "icloud.com", "proton.me", "example.com", "qq.com", "163.com"]
    static let asOf = 20_414  // 2026-11-22 as days since 1970-01-01

    /// Writes `count` customers to `path`.
    mutating func write(count: Int, to path: String) throws(FileError) {
        try OutputFile.write(path) { sink in
            var buffer = Self.header
            buffer.reserveCapacity(1 << 21)
            for i in 1...count {
                row(i, into: &buffer)
                if buffer.utf8.count > 1 << 20 {
                    sink.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            sink.write(buffer)
        }
    }

    mutating func row(_ i: Int, into out: inout String) {
        var name: String
        let city: String
        let local: String
        if chance(0.20) {
            let (surname, pinyin) = pick(Self.surnames)
            name = surname + pick(Self.given) + (chance(0.7) ? pick(Self.given) : "")
            local = pinyin + String(int(1, 9999))
            city = pick(Self.chineseCities)
        } else {
            let f = pick(Self.first), l = pick(Self.last)
            let r = uniform()
            if r < 0.05 { name = r < 0.035 ? "\(l), \(f)" : "\(f) \(l), \(pick(Self.suffixes))" }
            else if r < 0.051 { name = "\(f) \"\(pick(Self.nicknames))\" \(l)" }
            else { name = "\(f) \(l)" }
            local = f.lowercased() + "." + l.lowercased().filter { $0 != "'" } + String(int(1, 999))
            city = pick(Self.cities)
        }
        if name.contains("\"") { name = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        else if name.contains(",") { name = "\"" + name + "\"" }
        let email = chance(0.03) ? "" : local + "@" + pick(Self.domains)

        var last = "", orders = 0, spend = 0, last90 = 0, prev90 = 0
        var signupAge = int(0, 1095)
        if !chance(0.02) {
            let daysSince = chance(0.30) ? min(730, Int(exponential(mean: 20))) : int(0, 730)
            signupAge = daysSince + Int(exponential(mean: 700))
            last = Self.iso(Self.asOf - daysSince)
            orders = max(1, min(200, Int(logNormal(mu: 1.8, sigma: 0.9))))
            let r = uniform()
            spend = r < 0.002 ? 500_000 : (r < 0.004 ? 100_000 : max(100, Int(Double(orders) * logNormal(mu: log(330.0), sigma: 0.8) * 100)))
            if daysSince <= 90 {
                last90 = max(1, Int(Double(spend) * (0.02 + 0.48 * uniform())))
                let p = uniform()
                prev90 = p < 0.35 ? 0 : (p < 0.37 ? 2 * last90 : Int(Double(last90) * logNormal(mu: 0, sigma: 0.9)))
                prev90 = min(prev90, spend)
            } else if daysSince <= 180 {
                prev90 = Int(Double(spend) * (0.02 + 0.48 * uniform()))
            }
        }
        let signup = Self.iso(Self.asOf - min(signupAge, 5400))
        let b = uniform()
        let birthday = b < 0.30 ? "" : (b < 0.3035 ? "\(1948 + 4 * int(0, 14))-02-29" : Self.iso(int(-9131, 14244)))
        let referrals = chance(0.75) ? 0 : min(20, 1 + Int(exponential(mean: 1 / 0.45)))
        let complaints = chance(0.95) ? 0 : min(5, 1 + Int(exponential(mean: 1 / 1.2)))
        let satisfaction = chance(0.40) ? "" : String(int(1, 5))
        let optIn = uniform() < 0.55 ? "email" : (uniform() < 0.55 ? "sms" : "none")
        let id = "C" + String(repeating: "0", count: max(0, 7 - String(i).count)) + String(i)
        out += "\(id),\(name),\(email),\(city),\(signup),\(last),\(orders),\(Self.cents(spend)),\(Self.cents(last90)),\(Self.cents(prev90)),\(birthday),\(referrals),\(complaints),\(satisfaction),\(optIn)\n"
    }

    // MARK: - Randomness

    mutating func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
    mutating func chance(_ p: Double) -> Bool { uniform() < p }
    mutating func int(_ low: Int, _ high: Int) -> Int { low + Int(random.next() % UInt64(high - low + 1)) }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func exponential(mean: Double) -> Double { -mean * log(1 - uniform()) }
    mutating func logNormal(mu: Double, sigma: Double) -> Double {
        // Box-Muller: one normal deviate per call is plenty here.
        let u1 = max(uniform(), 1e-12), u2 = uniform()
        return exp(mu + sigma * sqrt(-2 * log(u1)) * cos(2 * .pi * u2))
    }

    // MARK: - Formatting

    static func cents(_ c: Int) -> String {
        let fraction = c % 100
        return "\(c / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// `YYYY-MM-DD` of a day count since 1970-01-01.
    static func iso(_ days: Int) -> String {
        CivilDate(daysSinceEpoch: Int32(days)).iso
    }
}

/// A small, fast, deterministic random number generator (Steele, Lea, Flood).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
