;; The fused guidance + scheduler steps of guidedStep.ts in WebAssembly SIMD: two float32 values a turn,
;; each widened to float64 and computed as the JavaScript step computes it (the same operations in the same
;; order, no fused multiply-add: wasm has none), rounded to float32 where the step stores a value. So the
;; results are the scheduler's step() bit for bit, as guidedStep.test.ts checks.
;;
;; Arrays are float32 at byte offsets into this memory, each padded with a zero to an even length (lane 1
;; of the last pair then adds nothing to a sum). `u` and `t` are the UNet's unconditional and text halves.
;; Every kernel adds up, per lane (even and odd elements apart, in order, as guide() does), the guided
;; values (finite exactly when the UNet's output is), their squares once rounded (the rms), and the new
;; sample's values (finite exactly when they all are), and stores the three sums at byte 0.
(module
  (memory (export "memory") 1)

  (func $sums (param $check v128) (param $sq v128) (param $sample v128)
    (f64.store (i32.const 0)
      (f64.add (f64x2.extract_lane 0 (local.get $check)) (f64x2.extract_lane 1 (local.get $check))))
    (f64.store (i32.const 8)
      (f64.add (f64x2.extract_lane 0 (local.get $sq)) (f64x2.extract_lane 1 (local.get $sq))))
    (f64.store (i32.const 16)
      (f64.add (f64x2.extract_lane 0 (local.get $sample)) (f64x2.extract_lane 1 (local.get $sample)))))

  ;; Deterministic DDIM (AffineStep): x0 = f(p·x + q·m); prev = f(a·x0 + d·(r·x + s·m)).
  (func (export "affine")
    (param $u i32) (param $t i32) (param $x i32) (param $x0 i32) (param $prev i32) (param $bytes i32)
    (param $g f64) (param $p f64) (param $q f64) (param $a f64) (param $d f64) (param $r f64) (param $s f64)
    (local $i i32) (local $G v128) (local $P v128) (local $Q v128) (local $A v128) (local $D v128)
    (local $R v128) (local $S v128) (local $check v128) (local $sq v128) (local $sample v128)
    (local $o v128) (local $v v128) (local $m v128) (local $xi v128) (local $y v128) (local $z v128)
    (local.set $G (f64x2.splat (local.get $g)))
    (local.set $P (f64x2.splat (local.get $p)))
    (local.set $Q (f64x2.splat (local.get $q)))
    (local.set $A (f64x2.splat (local.get $a)))
    (local.set $D (f64x2.splat (local.get $d)))
    (local.set $R (f64x2.splat (local.get $r)))
    (local.set $S (f64x2.splat (local.get $s)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $o (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $u) (local.get $i)))))
        (local.set $v (f64x2.add (local.get $o) (f64x2.mul (local.get $G) (f64x2.sub
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $t) (local.get $i)))) (local.get $o)))))
        (local.set $m (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $v))))
        (local.set $check (f64x2.add (local.get $check) (local.get $v)))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $m) (local.get $m))))
        (local.set $xi (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $i)))))
        (local.set $y (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $P) (local.get $xi)) (f64x2.mul (local.get $Q) (local.get $m)))))
        (v128.store64_lane 0 (i32.add (local.get $x0) (local.get $i)) (local.get $y))
        (local.set $z (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $A) (f64x2.promote_low_f32x4 (local.get $y)))
          (f64x2.mul (local.get $D) (f64x2.add
            (f64x2.mul (local.get $R) (local.get $xi)) (f64x2.mul (local.get $S) (local.get $m)))))))
        (v128.store64_lane 0 (i32.add (local.get $prev) (local.get $i)) (local.get $z))
        (local.set $sample (f64x2.add (local.get $sample) (f64x2.promote_low_f32x4 (local.get $z))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $pair)))
    (call $sums (local.get $check) (local.get $sq) (local.get $sample)))

  ;; Euler and Euler ancestral (EulerStep): x0 = f(p·x + q·m); e = x + ((x − x0)/σ)·dt;
  ;; prev = f(e + z·up) where the step has noise z (`noisy` ≠ 0), else f(e).
  (func (export "euler")
    (param $u i32) (param $t i32) (param $x i32) (param $x0 i32) (param $prev i32) (param $bytes i32)
    (param $g f64) (param $p f64) (param $q f64) (param $sigma f64) (param $dt f64)
    (param $noise i32) (param $noisy i32) (param $up f64)
    (local $i i32) (local $G v128) (local $P v128) (local $Q v128) (local $SIGMA v128) (local $DT v128)
    (local $UP v128) (local $check v128) (local $sq v128) (local $sample v128)
    (local $o v128) (local $v v128) (local $m v128) (local $xi v128) (local $y v128) (local $e v128)
    (local $z v128)
    (local.set $G (f64x2.splat (local.get $g)))
    (local.set $P (f64x2.splat (local.get $p)))
    (local.set $Q (f64x2.splat (local.get $q)))
    (local.set $SIGMA (f64x2.splat (local.get $sigma)))
    (local.set $DT (f64x2.splat (local.get $dt)))
    (local.set $UP (f64x2.splat (local.get $up)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $o (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $u) (local.get $i)))))
        (local.set $v (f64x2.add (local.get $o) (f64x2.mul (local.get $G) (f64x2.sub
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $t) (local.get $i)))) (local.get $o)))))
        (local.set $m (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $v))))
        (local.set $check (f64x2.add (local.get $check) (local.get $v)))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $m) (local.get $m))))
        (local.set $xi (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $i)))))
        (local.set $y (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $P) (local.get $xi)) (f64x2.mul (local.get $Q) (local.get $m)))))
        (v128.store64_lane 0 (i32.add (local.get $x0) (local.get $i)) (local.get $y))
        (local.set $e (f64x2.add (local.get $xi) (f64x2.mul (f64x2.div
          (f64x2.sub (local.get $xi) (f64x2.promote_low_f32x4 (local.get $y))) (local.get $SIGMA)) (local.get $DT))))
        (if (local.get $noisy)
          (then (local.set $e (f64x2.add (local.get $e) (f64x2.mul
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $noise) (local.get $i))))
            (local.get $UP))))))
        (local.set $z (f32x4.demote_f64x2_zero (local.get $e)))
        (v128.store64_lane 0 (i32.add (local.get $prev) (local.get $i)) (local.get $z))
        (local.set $sample (f64x2.add (local.get $sample) (f64x2.promote_low_f32x4 (local.get $z))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $pair)))
    (call $sums (local.get $check) (local.get $sq) (local.get $sample)))

  ;; DPM-Solver++ (MultistepStep): x0 = f((p·x + q·m)/v); two = f(f(f(k0·x) + c1·x0) + c2·h1);
  ;; prev = f(two + c3·h2) where the step has h2 (`second` ≠ 0), else two.
  (func (export "multistep")
    (param $u i32) (param $t i32) (param $x i32) (param $x0 i32) (param $prev i32) (param $bytes i32)
    (param $g f64) (param $p f64) (param $q f64) (param $v f64) (param $k0 f64) (param $c1 f64) (param $c2 f64)
    (param $h1 i32) (param $h2 i32) (param $second i32) (param $c3 f64)
    (local $i i32) (local $G v128) (local $P v128) (local $Q v128) (local $V v128) (local $K0 v128)
    (local $C1 v128) (local $C2 v128) (local $C3 v128) (local $check v128) (local $sq v128) (local $sample v128)
    (local $o v128) (local $w v128) (local $m v128) (local $xi v128) (local $y v128) (local $z v128)
    (local.set $G (f64x2.splat (local.get $g)))
    (local.set $P (f64x2.splat (local.get $p)))
    (local.set $Q (f64x2.splat (local.get $q)))
    (local.set $V (f64x2.splat (local.get $v)))
    (local.set $K0 (f64x2.splat (local.get $k0)))
    (local.set $C1 (f64x2.splat (local.get $c1)))
    (local.set $C2 (f64x2.splat (local.get $c2)))
    (local.set $C3 (f64x2.splat (local.get $c3)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $o (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $u) (local.get $i)))))
        (local.set $w (f64x2.add (local.get $o) (f64x2.mul (local.get $G) (f64x2.sub
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $t) (local.get $i)))) (local.get $o)))))
        (local.set $m (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $w))))
        (local.set $check (f64x2.add (local.get $check) (local.get $w)))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $m) (local.get $m))))
        (local.set $xi (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $i)))))
        (local.set $y (f32x4.demote_f64x2_zero (f64x2.div (f64x2.add
          (f64x2.mul (local.get $P) (local.get $xi)) (f64x2.mul (local.get $Q) (local.get $m))) (local.get $V))))
        (v128.store64_lane 0 (i32.add (local.get $x0) (local.get $i)) (local.get $y))
        (local.set $z (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
            (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $K0) (local.get $xi))))
            (f64x2.mul (local.get $C1) (f64x2.promote_low_f32x4 (local.get $y))))))
          (f64x2.mul (local.get $C2)
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $h1) (local.get $i))))))))
        (if (local.get $second)
          (then (local.set $z (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (local.get $z))
            (f64x2.mul (local.get $C3)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $h2) (local.get $i))))))))))
        (v128.store64_lane 0 (i32.add (local.get $prev) (local.get $i)) (local.get $z))
        (local.set $sample (f64x2.add (local.get $sample) (f64x2.promote_low_f32x4 (local.get $z))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $pair)))
    (call $sums (local.get $check) (local.get $sq) (local.get $sample)))

  ;; UniPC (PredictorCorrectorStep): x0 = f((p·x + q·m)/v);
  ;; start = f(f(f(f(k0·last) + a1·h1) + a2·h2) + a3·x0), stored at `into` (the corrected sample);
  ;; prev = f(f(f(b0·start) + b1·x0) + b2·h1). Without a corrector the caller passes last = x, into = prev,
  ;; k0 = 1 and zero weights, as the JavaScript step does.
  (func (export "unipc")
    (param $u i32) (param $t i32) (param $x i32) (param $x0 i32) (param $prev i32) (param $bytes i32)
    (param $g f64) (param $p f64) (param $q f64) (param $v f64)
    (param $last i32) (param $into i32) (param $h1 i32) (param $h2 i32)
    (param $k0 f64) (param $a1 f64) (param $a2 f64) (param $a3 f64) (param $b0 f64) (param $b1 f64) (param $b2 f64)
    (local $i i32) (local $G v128) (local $P v128) (local $Q v128) (local $V v128) (local $K0 v128)
    (local $A1 v128) (local $A2 v128) (local $A3 v128) (local $B0 v128) (local $B1 v128) (local $B2 v128)
    (local $check v128) (local $sq v128) (local $sample v128)
    (local $o v128) (local $w v128) (local $m v128) (local $y v128) (local $yd v128) (local $h v128)
    (local $start v128) (local $z v128)
    (local.set $G (f64x2.splat (local.get $g)))
    (local.set $P (f64x2.splat (local.get $p)))
    (local.set $Q (f64x2.splat (local.get $q)))
    (local.set $V (f64x2.splat (local.get $v)))
    (local.set $K0 (f64x2.splat (local.get $k0)))
    (local.set $A1 (f64x2.splat (local.get $a1)))
    (local.set $A2 (f64x2.splat (local.get $a2)))
    (local.set $A3 (f64x2.splat (local.get $a3)))
    (local.set $B0 (f64x2.splat (local.get $b0)))
    (local.set $B1 (f64x2.splat (local.get $b1)))
    (local.set $B2 (f64x2.splat (local.get $b2)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $o (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $u) (local.get $i)))))
        (local.set $w (f64x2.add (local.get $o) (f64x2.mul (local.get $G) (f64x2.sub
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $t) (local.get $i)))) (local.get $o)))))
        (local.set $m (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $w))))
        (local.set $check (f64x2.add (local.get $check) (local.get $w)))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $m) (local.get $m))))
        (local.set $y (f32x4.demote_f64x2_zero (f64x2.div (f64x2.add
          (f64x2.mul (local.get $P)
            (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $i)))))
          (f64x2.mul (local.get $Q) (local.get $m))) (local.get $V))))
        (v128.store64_lane 0 (i32.add (local.get $x0) (local.get $i)) (local.get $y))
        (local.set $yd (f64x2.promote_low_f32x4 (local.get $y)))
        (local.set $h (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $h1) (local.get $i)))))
        (local.set $start (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
            (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.mul (local.get $K0)
                (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $last) (local.get $i)))))))
              (f64x2.mul (local.get $A1) (local.get $h)))))
            (f64x2.mul (local.get $A2)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $h2) (local.get $i))))))))
          (f64x2.mul (local.get $A3) (local.get $yd)))))
        (v128.store64_lane 0 (i32.add (local.get $into) (local.get $i)) (local.get $start))
        (local.set $z (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add
            (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
              (f64x2.mul (local.get $B0) (f64x2.promote_low_f32x4 (local.get $start)))))
            (f64x2.mul (local.get $B1) (local.get $yd)))))
          (f64x2.mul (local.get $B2) (local.get $h)))))
        (v128.store64_lane 0 (i32.add (local.get $prev) (local.get $i)) (local.get $z))
        (local.set $sample (f64x2.add (local.get $sample) (f64x2.promote_low_f32x4 (local.get $z))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $pair)))
    (call $sums (local.get $check) (local.get $sq) (local.get $sample)))
)
