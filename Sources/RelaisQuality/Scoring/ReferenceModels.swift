// RelaisQuality: other published MOS formulas, kept to cross-check ours against the reference vectors.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Published scoring formulas Relais does **not** use, re-implemented exactly as the reference
/// documents them (quality-scoring.md §1–§3) so the test vectors pin both them and the
/// differences between them. Comparing our numbers with a vendor's is then a lookup, not a debate.
public enum ReferenceModels {
    /// PingPlotter/NetBeez: EL = latency + 2·jitter + 10 (latency = RTT), two-slope R, 2.5 R per % loss.
    public static func pingPlotter(latencyMs: Double, jitterMs: Double, lossPct: Double) -> (r: Double, mos: Double) {
        let el = latencyMs + 2 * jitterMs + 10
        var r = el < 160 ? 93.2 - el / 40 : 93.2 - (el - 120) / 10
        r -= 2.5 * lossPct
        return (r, EModel.mos(r: r))
    }

    /// Twilio Voice JS SDK (`lib/twilio/rtc/mos.ts`): r0 94.768, floor 6.52, unclamped MOS.
    public static func twilioVoice(rttMs: Double, jitterMs: Double, lossPct: Double) -> (r: Double, mos: Double) {
        let el = rttMs + 2 * jitterMs + 10
        var r: Double
        if el < 160 { r = 94.768 - el / 40 } else if el < 1000 { r = 94.768 - (el - 120) / 10 } else { r = 0 }
        if lossPct <= r / 2.5 { r = max(r - lossPct * 2.5, 6.52) } else { r = 0 }
        return (r, 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r))
    }

    /// Simplified G.107 with a given one-way delay d (ms): R = 93.2 − Id(d) − Ie,eff.
    public static func g107Simplified(oneWayMs: Double, lossPct: Double, bpl: Double)
        -> (id: Double, ieEff: Double, r: Double, mos: Double)
    {
        let id = EModel.delayImpairment(oneWayMs: oneWayMs)
        let ie = EModel.lossImpairment(lossPct: lossPct, bpl: bpl)
        let r = 93.2 - id - ie
        return (id, ie, r, EModel.mos(r: r))
    }

    /// G.107 absolute-delay impairment Idd (mT 100 ms, sT 1, exponent 6·sT).
    public static func idd(ta: Double, mT: Double = 100, sT: Double = 1) -> Double {
        guard ta > mT else { return 0 }
        let x = log(ta / mT) / log(2.0)
        let e = 6 * sT
        return 25 * (pow(1 + pow(x, e), 1 / e) - 3 * pow(1 + pow(x / 3, e), 1 / e) + 2)
    }

    /// Terms of the full G.107 (06/2015) model with default parameters.
    public struct G107Full: Sendable {
        public var ro, iS, idte, idle, idd, id, r, mos: Double
    }

    /// Full G.107 with default values (SLR 8, RLR 2, STMR 15, LSTR 18, Ds 3, TELR 65, WEPL 110,
    /// Nc −70, Nfo −62, Ps = Pr = 35, qdu 1, Tr 0, A 0), port of CNES openbach-extra compute_mos.py.
    public static func g107Full(t: Double, ta: Double, lossPct: Double, ie: Double = 0, bpl: Double = 4.3)
        -> G107Full
    {
        let slr = 8.0, rlr = 2.0, pr = 35.0, lstr = 18.0, ps = 35.0, ds = 3.0, nc = -70.0, nfo = -62.0
        let stmr = 15.0, telr = 65.0, wepl = 110.0, tr = 0.0, qdu = 1.0, a = 0.0
        let olr = slr + rlr
        let pre = pr + 10 * log10(1 + pow(10, (10 - lstr) / 10))
        let nos = ps - slr - ds - 100 + 0.004 * pow(ps - olr - ds - 14, 2)
        let nor = rlr - 121 + pre + 0.008 * pow(pre - 35, 2)
        let no = 10 * log10(pow(10, nc / 10) + pow(10, nos / 10) + pow(10, nor / 10) + pow(10, nfo / 10))
        let ro = 15 - 1.5 * (slr + no)
        let xolr = olr + 0.2 * (64 + no - rlr)
        let stmro = -10 * log10(pow(10, -stmr / 10) + exp(-t / 4) * pow(10, -telr / 10))
        let ist = 12 * pow(1 + pow((stmro - 13) / 6, 8), 1.0 / 8)
            - 28 * pow(1 + pow((stmro + 1) / 19.4, 35), 1.0 / 35)
            - 13 * pow(1 + pow((stmro - 3) / 33, 13), 1.0 / 13) + 29
        let iolr = 20 * (pow(1 + pow(xolr / 8, 8), 1.0 / 8) - xolr / 8)
        let q = 37 - 15 * log10(qdu)
        let g = 1.07 + 0.258 * q + 0.0602 * q * q
        let y = (ro - 100) / 15 + 46 / 8.4 - g / 9
        let z = 46.0 / 30 - g / 40
        let iq = 15 * log10(1 + pow(10, y) + pow(10, z))
        let iS = iolr + ist + iq
        let roe = -1.5 * (no - rlr)
        let rle = 10.5 * (wepl + 7) * pow(tr + 1, -0.25)
        let idle = (ro - rle) / 2 + ((ro - rle) * (ro - rle) / 4 + 169).squareRoot()
        let terv = telr - 40 * log10((1 + t / 10) / (1 + t / 150)) + 6 * exp(-0.3 * t * t)
        let re = stmr >= 9 ? 80 + 2.5 * (terv - 14) : 80 + 2.5 * (terv + ist / 2 - 14)
        let idte = t >= 1 ? ((roe - re) / 2 + ((roe - re) * (roe - re) / 4 + 100).squareRoot() - 1) * (1 - exp(-t)) : 0
        let iddValue = idd(ta: ta)
        // G.107 uses sqrt(Idte² + Ist²) when STMR > 20; at the default STMR 15 it is the plain sum.
        let id = idte + idle + iddValue
        let r = ro - iS - id - EModel.lossImpairment(lossPct: lossPct, ie: ie, bpl: bpl) + a
        return G107Full(ro: ro, iS: iS, idte: idte, idle: idle, idd: iddValue, id: id, r: r, mos: EModel.mos(r: r))
    }

    /// LiveKit packet score for one window with delay terms off (as in production, reference §1.2).
    public static func liveKitPacketScore(packets: Double, lost: Double, lossWeight: Double) -> Double {
        let lossEffect = packets > 0 ? lost * 100 / packets * lossWeight : 0
        return max(0, 100 - lossEffect)
    }

    /// LiveKit EWMA (0.4 up / 0.8 down) with the score floor of 30.
    public static func liveKitSmoothed(previous: Double, raw: Double) -> Double {
        let f = raw >= previous ? 0.4 : 0.8
        return max(f * raw + (1 - f) * previous, 30)
    }

    /// LiveKit level names: EXCELLENT > 80, GOOD > 40, POOR > 20, else LOST.
    public static func liveKitLevel(score: Double) -> String {
        score > 80 ? "EXCELLENT" : score > 40 ? "GOOD" : score > 20 ? "POOR" : "LOST"
    }

    /// G.1070 video quality Vq and its intermediate terms; `v` are the coefficients v1…v12.
    public static func g1070(bitrateKbps br: Double, fps fr: Double, lossPct: Double, v: [Double])
        -> (vq: Double, ofr: Double, iofr: Double, dfrv: Double, icoding: Double, dpplv: Double)
    {
        precondition(v.count == 12, "G.1070 needs 12 coefficients")
        let ofr = v[0] + v[1] * br
        let iofr = v[2] - v[2] / (1 + pow(br / v[3], v[4]))
        let dfrv = v[5] + v[6] * br
        let d = log(fr) - log(ofr)
        let icoding = iofr * exp(-(d * d) / (2 * dfrv * dfrv))
        let dpplv = v[9] + v[10] * exp(-fr / v[7]) + v[11] * exp(-br / v[8])
        return (1 + icoding * exp(-lossPct / dpplv), ofr, iofr, dfrv, icoding, dpplv)
    }

    /// G.1070 coefficients, H.264 VGA 9.2-inch (Table B.2 #5 as transcribed in the reference).
    public static let g1070H264VGA9inch: [Double] = [
        5.517, 0.0129, 3.459, 178.53, 1.02, 1.15, 0.000355, 0.114, 513.77, 0.736, -6.451, 13.684,
    ]
}
