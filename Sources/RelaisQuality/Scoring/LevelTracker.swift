// RelaisQuality: asymmetric smoothing and level hysteresis.

/// Asymmetric EWMA (reference §1.5, §8.1 step 7): falls fast (0.8), recovers slowly (0.4),
/// so a bad window shows at once and one good window does not hide a bad minute.
public struct SmoothedScore: Sendable, Equatable {
    public private(set) var value: Double?

    public init(value: Double? = nil) { self.value = value }

    /// Folds in a raw score and returns the smoothed one. The first raw score is taken as is.
    @discardableResult
    public mutating func update(_ raw: Double) -> Double {
        guard let prev = value else {
            value = raw
            return raw
        }
        let f = raw >= prev ? QualityMethod.smoothingUp : QualityMethod.smoothingDown
        let next = f * raw + (1 - f) * prev
        value = next
        return next
    }
}

/// Level with hysteresis: moves down at once, moves up only after the better level held for
/// ``QualityMethod/windowsToMoveUp`` consecutive windows (then to the worse of those windows'
/// levels), so a score hovering at a threshold does not flap the level every 5 s.
public struct LevelTracker: Sendable, Equatable {
    public private(set) var level: QualityLevel = .unknown
    private var pendingUp: Int = 0
    private var pendingLevel: QualityLevel = .unknown

    public init() {}

    /// Feeds one window's candidate level; returns `true` when the published level changed.
    @discardableResult
    public mutating func update(_ candidate: QualityLevel) -> Bool {
        let old = level
        if level == .unknown || candidate <= level {
            // First measurement, a drop, or steady: apply now.
            level = candidate
            pendingUp = 0
        } else {
            pendingLevel = pendingUp == 0 ? candidate : min(pendingLevel, candidate)
            pendingUp += 1
            if pendingUp >= QualityMethod.windowsToMoveUp {
                level = pendingLevel
                pendingUp = 0
            }
        }
        return level != old
    }
}
