;; The fused guidance + scheduler steps of guidedStep.ts in WebAssembly SIMD, four float32 values a turn in
;; float32 arithmetic: every product, sum and quotient rounded to float32, as PyTorch computes on float32
;; tensors (diffusers' schedulers), with the coefficients rounded to float32 as its float32 scalars are. The
;; JavaScript step() computes the same formula in float64 and rounds where it stores, so the two differ by
;; float32 roundings (guidedStep.test.ts bounds it over whole runs, and checks these against a float32
;; emulation bit for bit). Float64 lanes, two a turn, took twice the time.
;;
;; The coefficients are f32 parameters (the call rounds them, as f32.demote_f64 would): V8's optimising
;; compiler recomputes a splat inside the loop, and a splat of a demoted f64 there made UniPC's step take
;; twice as long (50.6 against 25.8 µs at [1,4,64,64] here).
;;
;; Arrays are float32 at byte offsets into this memory, each padded with zeros to a multiple of four (the
;; padding lanes then stay finite and add nothing). `u` and `t` are the UNet's unconditional and text
;; halves. Every kernel stores at byte 0 whether the UNet output was finite (i32 1 or 0), at byte 4 whether
;; the new sample is, and at byte 8 the sum of the squared guided values (for their rms, a figure the step
;; viewer plots): float32 squares summed in four float32 lanes, the lanes' sums added in float64.
(module
  (memory (export "memory") 1)

  ;; Stores the flags (a lane of v − v is +0 exactly where v is finite), then the squares' lanes added in
  ;; float64.
  (func $sums (param $bad v128) (param $badSample v128) (param $sq v128)
    (local $pairs v128)
    (i32.store (i32.const 0) (i32.eqz (v128.any_true (local.get $bad))))
    (i32.store (i32.const 4) (i32.eqz (v128.any_true (local.get $badSample))))
    (local.set $pairs (f64x2.add (f64x2.promote_low_f32x4 (local.get $sq))
      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $sq) (local.get $sq)))))
    (f64.store (i32.const 8)
      (f64.add (f64x2.extract_lane 0 (local.get $pairs)) (f64x2.extract_lane 1 (local.get $pairs)))))

  ;; scale_model_input's multiply into the UNet's input (StepBuffers.modelInput, unetDenoiser.ts): into = x·c,
  ;; and the same again at into + bytes where `twice` ≠ 0 (the guidance halves). Each value is promoted to
  ;; float64, multiplied and rounded to float32 once, as a JavaScript multiply stored in a Float32Array is: the
  ;; same bits as the JavaScript loops, at a fifth of their time (26 µs at [1,4,64,64] here).
  (func (export "scale") (param $x i32) (param $into i32) (param $bytes i32) (param $c f64) (param $twice i32)
    (local $i i32) (local $C v128) (local $v v128) (local $y v128)
    (local.set $C (f64x2.splat (local.get $c)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $y (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $C)))
          (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $C)))))
        (v128.store (i32.add (local.get $into) (local.get $i)) (local.get $y))
        (if (local.get $twice)
          (then (v128.store (i32.add (i32.add (local.get $into) (local.get $bytes)) (local.get $i)) (local.get $y))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad))))

  ;; Deterministic DDIM (AffineStep): x0 = p·x + q·m; prev = a·x0 + d·(r·x + s·m).
  (func (export "affine")
    (param $u i32) (param $t i32) (param $x i32) (param $x0 i32) (param $prev i32) (param $bytes i32)
    (param $g f32) (param $p f32) (param $q f32) (param $a f32) (param $d f32) (param $r f32) (param $s f32)
    (local $i i32) (local $G v128) (local $P v128) (local $Q v128) (local $A v128) (local $D v128)
    (local $R v128) (local $S v128) (local $bad v128) (local $badSample v128) (local $sq v128)
    (local $o v128) (local $w v128) (local $m v128) (local $xi v128) (local $y v128) (local $z v128)
    (local.set $G (f32x4.splat (local.get $g)))
    (local.set $P (f32x4.splat (local.get $p)))
    (local.set $Q (f32x4.splat (local.get $q)))
    (local.set $A (f32x4.splat (local.get $a)))
    (local.set $D (f32x4.splat (local.get $d)))
    (local.set $R (f32x4.splat (local.get $r)))
    (local.set $S (f32x4.splat (local.get $s)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $o (v128.load (i32.add (local.get $u) (local.get $i))))
        (local.set $w (v128.load (i32.add (local.get $t) (local.get $i))))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or (f32x4.sub (local.get $o) (local.get $o)) (f32x4.sub (local.get $w) (local.get $w)))))
        (local.set $m (f32x4.add (local.get $o) (f32x4.mul (local.get $G) (f32x4.sub (local.get $w) (local.get $o)))))
        (local.set $sq (f32x4.add (local.get $sq) (f32x4.mul (local.get $m) (local.get $m))))
        (local.set $xi (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $y (f32x4.add (f32x4.mul (local.get $P) (local.get $xi)) (f32x4.mul (local.get $Q) (local.get $m))))
        (v128.store (i32.add (local.get $x0) (local.get $i)) (local.get $y))
        (local.set $z (f32x4.add (f32x4.mul (local.get $A) (local.get $y)) (f32x4.mul (local.get $D)
          (f32x4.add (f32x4.mul (local.get $R) (local.get $xi)) (f32x4.mul (local.get $S) (local.get $m))))))
        (v128.store (i32.add (local.get $prev) (local.get $i)) (local.get $z))
        (local.set $badSample (v128.or (local.get $badSample) (f32x4.sub (local.get $z) (local.get $z))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad)))
    (call $sums (local.get $bad) (local.get $badSample) (local.get $sq)))

  ;; Euler and Euler ancestral (EulerStep): x0 = p·x + q·m; e = x + ((x − x0)/σ)·dt;
  ;; prev = e + z·up where the step has noise z (`noisy` ≠ 0), else e.
  (func (export "euler")
    (param $u i32) (param $t i32) (param $x i32) (param $x0 i32) (param $prev i32) (param $bytes i32)
    (param $g f32) (param $p f32) (param $q f32) (param $sigma f32) (param $dt f32)
    (param $noise i32) (param $noisy i32) (param $up f32)
    (local $i i32) (local $G v128) (local $P v128) (local $Q v128) (local $SIGMA v128) (local $DT v128)
    (local $UP v128) (local $bad v128) (local $badSample v128) (local $sq v128)
    (local $o v128) (local $w v128) (local $m v128) (local $xi v128) (local $y v128) (local $z v128)
    (local.set $G (f32x4.splat (local.get $g)))
    (local.set $P (f32x4.splat (local.get $p)))
    (local.set $Q (f32x4.splat (local.get $q)))
    (local.set $SIGMA (f32x4.splat (local.get $sigma)))
    (local.set $DT (f32x4.splat (local.get $dt)))
    (local.set $UP (f32x4.splat (local.get $up)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $o (v128.load (i32.add (local.get $u) (local.get $i))))
        (local.set $w (v128.load (i32.add (local.get $t) (local.get $i))))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or (f32x4.sub (local.get $o) (local.get $o)) (f32x4.sub (local.get $w) (local.get $w)))))
        (local.set $m (f32x4.add (local.get $o) (f32x4.mul (local.get $G) (f32x4.sub (local.get $w) (local.get $o)))))
        (local.set $sq (f32x4.add (local.get $sq) (f32x4.mul (local.get $m) (local.get $m))))
        (local.set $xi (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $y (f32x4.add (f32x4.mul (local.get $P) (local.get $xi)) (f32x4.mul (local.get $Q) (local.get $m))))
        (v128.store (i32.add (local.get $x0) (local.get $i)) (local.get $y))
        (local.set $z (f32x4.add (local.get $xi) (f32x4.mul (f32x4.div
          (f32x4.sub (local.get $xi) (local.get $y)) (local.get $SIGMA)) (local.get $DT))))
        (if (local.get $noisy)
          (then (local.set $z (f32x4.add (local.get $z) (f32x4.mul
            (v128.load (i32.add (local.get $noise) (local.get $i))) (local.get $UP))))))
        (v128.store (i32.add (local.get $prev) (local.get $i)) (local.get $z))
        (local.set $badSample (v128.or (local.get $badSample) (f32x4.sub (local.get $z) (local.get $z))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad)))
    (call $sums (local.get $bad) (local.get $badSample) (local.get $sq)))

  ;; DPM-Solver++ (MultistepStep): x0 = (p·x + q·m)/v; prev = k0·x + c1·x0 + c2·h1 (+ c3·h2 where the step
  ;; has h2, `second` ≠ 0), left to right.
  (func (export "multistep")
    (param $u i32) (param $t i32) (param $x i32) (param $x0 i32) (param $prev i32) (param $bytes i32)
    (param $g f32) (param $p f32) (param $q f32) (param $v f32) (param $k0 f32) (param $c1 f32) (param $c2 f32)
    (param $h1 i32) (param $h2 i32) (param $second i32) (param $c3 f32)
    (local $i i32) (local $G v128) (local $P v128) (local $Q v128) (local $V v128) (local $K0 v128)
    (local $C1 v128) (local $C2 v128) (local $C3 v128) (local $bad v128) (local $badSample v128)
    (local $sq v128) (local $o v128) (local $w v128) (local $m v128) (local $xi v128)
    (local $y v128) (local $z v128)
    (local.set $G (f32x4.splat (local.get $g)))
    (local.set $P (f32x4.splat (local.get $p)))
    (local.set $Q (f32x4.splat (local.get $q)))
    (local.set $V (f32x4.splat (local.get $v)))
    (local.set $K0 (f32x4.splat (local.get $k0)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $C3 (f32x4.splat (local.get $c3)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $o (v128.load (i32.add (local.get $u) (local.get $i))))
        (local.set $w (v128.load (i32.add (local.get $t) (local.get $i))))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or (f32x4.sub (local.get $o) (local.get $o)) (f32x4.sub (local.get $w) (local.get $w)))))
        (local.set $m (f32x4.add (local.get $o) (f32x4.mul (local.get $G) (f32x4.sub (local.get $w) (local.get $o)))))
        (local.set $sq (f32x4.add (local.get $sq) (f32x4.mul (local.get $m) (local.get $m))))
        (local.set $xi (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $y (f32x4.div (f32x4.add
          (f32x4.mul (local.get $P) (local.get $xi)) (f32x4.mul (local.get $Q) (local.get $m))) (local.get $V)))
        (v128.store (i32.add (local.get $x0) (local.get $i)) (local.get $y))
        (local.set $z (f32x4.add
          (f32x4.add (f32x4.mul (local.get $K0) (local.get $xi)) (f32x4.mul (local.get $C1) (local.get $y)))
          (f32x4.mul (local.get $C2) (v128.load (i32.add (local.get $h1) (local.get $i))))))
        (if (local.get $second)
          (then (local.set $z (f32x4.add (local.get $z)
            (f32x4.mul (local.get $C3) (v128.load (i32.add (local.get $h2) (local.get $i))))))))
        (v128.store (i32.add (local.get $prev) (local.get $i)) (local.get $z))
        (local.set $badSample (v128.or (local.get $badSample) (f32x4.sub (local.get $z) (local.get $z))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad)))
    (call $sums (local.get $bad) (local.get $badSample) (local.get $sq)))

  ;; UniPC (PredictorCorrectorStep): x0 = (p·x + q·m)/v;
  ;; start = k0·last + a1·h1 + a2·h2 + a3·x0, left to right, stored at `into` (the corrected sample);
  ;; prev = b0·start + b1·x0 + b2·h1. Without a corrector the caller passes last = x, into = prev,
  ;; k0 = 1 and zero weights, as the JavaScript step does.
  (func (export "unipc")
    (param $u i32) (param $t i32) (param $x i32) (param $x0 i32) (param $prev i32) (param $bytes i32)
    (param $g f32) (param $p f32) (param $q f32) (param $v f32)
    (param $last i32) (param $into i32) (param $h1 i32) (param $h2 i32)
    (param $k0 f32) (param $a1 f32) (param $a2 f32) (param $a3 f32) (param $b0 f32) (param $b1 f32) (param $b2 f32)
    (local $i i32) (local $G v128) (local $P v128) (local $Q v128) (local $V v128) (local $K0 v128)
    (local $A1 v128) (local $A2 v128) (local $A3 v128) (local $B0 v128) (local $B1 v128) (local $B2 v128)
    (local $bad v128) (local $badSample v128) (local $sq v128)
    (local $o v128) (local $w v128) (local $m v128) (local $y v128) (local $h v128) (local $start v128)
    (local $z v128)
    (local.set $G (f32x4.splat (local.get $g)))
    (local.set $P (f32x4.splat (local.get $p)))
    (local.set $Q (f32x4.splat (local.get $q)))
    (local.set $V (f32x4.splat (local.get $v)))
    (local.set $K0 (f32x4.splat (local.get $k0)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $A3 (f32x4.splat (local.get $a3)))
    (local.set $B0 (f32x4.splat (local.get $b0)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $o (v128.load (i32.add (local.get $u) (local.get $i))))
        (local.set $w (v128.load (i32.add (local.get $t) (local.get $i))))
        (local.set $bad (v128.or (local.get $bad)
          (v128.or (f32x4.sub (local.get $o) (local.get $o)) (f32x4.sub (local.get $w) (local.get $w)))))
        (local.set $m (f32x4.add (local.get $o) (f32x4.mul (local.get $G) (f32x4.sub (local.get $w) (local.get $o)))))
        (local.set $sq (f32x4.add (local.get $sq) (f32x4.mul (local.get $m) (local.get $m))))
        (local.set $y (f32x4.div (f32x4.add
          (f32x4.mul (local.get $P) (v128.load (i32.add (local.get $x) (local.get $i))))
          (f32x4.mul (local.get $Q) (local.get $m))) (local.get $V)))
        (v128.store (i32.add (local.get $x0) (local.get $i)) (local.get $y))
        (local.set $h (v128.load (i32.add (local.get $h1) (local.get $i))))
        (local.set $start (f32x4.add (f32x4.add (f32x4.add
          (f32x4.mul (local.get $K0) (v128.load (i32.add (local.get $last) (local.get $i))))
          (f32x4.mul (local.get $A1) (local.get $h)))
          (f32x4.mul (local.get $A2) (v128.load (i32.add (local.get $h2) (local.get $i)))))
          (f32x4.mul (local.get $A3) (local.get $y))))
        (v128.store (i32.add (local.get $into) (local.get $i)) (local.get $start))
        (local.set $z (f32x4.add (f32x4.add
          (f32x4.mul (local.get $B0) (local.get $start)) (f32x4.mul (local.get $B1) (local.get $y)))
          (f32x4.mul (local.get $B2) (local.get $h))))
        (v128.store (i32.add (local.get $prev) (local.get $i)) (local.get $z))
        (local.set $badSample (v128.or (local.get $badSample) (f32x4.sub (local.get $z) (local.get $z))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad)))
    (call $sums (local.get $bad) (local.get $badSample) (local.get $sq)))
)
