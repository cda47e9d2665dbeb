;; torch.randn's float32 fill (normal_fill: uniforms from mt19937, then Box–Muller on blocks of 16) in
;; WebAssembly, for torchGenerator.ts. Every value is what PyTorch's scalar kernel computes with
;; JavaScript's Math.log, Math.cos and Math.sin: log as fdlibm's e_log (the algorithm of V8's Math.log),
;; cos and sin as Taylor polynomials after one reduction by π/2 (within 2e-15 of libm, so each rounds to
;; the same float32); no fused multiply-add. torchNormals.test.ts checks every one of the 2²⁴ uniforms.
;;
;; Memory: the mt19937 state (624 words) at byte 0, the values from byte STATE_BYTES (2560) on.
(module
  (memory (export "memory") 1)

  ;; mt19937's twist of the state in place (three runs, so no index wraps in the first).
  (func $twist
    (local $i i32)
    (block $a (loop $l
      (br_if $a (i32.ge_u (local.get $i) (i32.const 227)))
      (i32.store (i32.shl (local.get $i) (i32.const 2))
        (i32.xor (i32.load (i32.shl (i32.add (local.get $i) (i32.const 397)) (i32.const 2)))
          (call $mix (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (i32.const 623)))
      (i32.store (i32.shl (local.get $i) (i32.const 2))
        (i32.xor (i32.load (i32.shl (i32.sub (local.get $i) (i32.const 227)) (i32.const 2)))
          (call $mix (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store (i32.const 2492)
      (i32.xor (i32.load (i32.const 1584))
        (call $mixWords (i32.load (i32.const 2492)) (i32.load (i32.const 0))))))

  (func $mix (param $i i32) (result i32)
    (call $mixWords (i32.load (i32.shl (local.get $i) (i32.const 2)))
      (i32.load (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2)))))

  ;; The upper bit of a and the lower 31 of b, shifted, with the constant where the low bit is set.
  (func $mixWords (param $a i32) (param $b i32) (result i32)
    (local $y i32)
    (local.set $y (i32.or (i32.and (local.get $a) (i32.const 0x80000000))
      (i32.and (local.get $b) (i32.const 0x7fffffff))))
    (i32.xor (i32.shr_u (local.get $y) (i32.const 1))
      (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df))))

  ;; `count` uniforms at byte `out`, each the low 24 bits of one tempered draw over 2²⁴, drawing from state
  ;; word `next` on (624: twist first). Returns the next word to draw.
  (func (export "uniforms") (param $next i32) (param $out i32) (param $count i32) (result i32)
    (local $end i32) (local $y i32) (local $v v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (if (i32.ge_u (local.get $next) (i32.const 624))
        (then (call $twist) (local.set $next (i32.const 0))))
      ;; Four words at once where the next four are a group of the state's (624 = 4·156) and wanted.
      (if (i32.and (i32.eqz (i32.and (local.get $next) (i32.const 3)))
            (i32.le_u (i32.add (local.get $out) (i32.const 16)) (local.get $end)))
        (then
          (local.set $v (v128.load (i32.shl (local.get $next) (i32.const 2))))
          (local.set $v (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 11))))
          (local.set $v (v128.xor (local.get $v)
            (v128.and (i32x4.shl (local.get $v) (i32.const 7)) (i32x4.splat (i32.const 0x9d2c5680)))))
          (local.set $v (v128.xor (local.get $v)
            (v128.and (i32x4.shl (local.get $v) (i32.const 15)) (i32x4.splat (i32.const 0xefc60000)))))
          (local.set $v (v128.xor (local.get $v) (i32x4.shr_u (local.get $v) (i32.const 18))))
          (v128.store (local.get $out) (f32x4.mul
            (f32x4.convert_i32x4_u (v128.and (local.get $v) (i32x4.splat (i32.const 0xffffff))))
            (f32x4.splat (f32.const 0x1p-24))))
          (local.set $next (i32.add (local.get $next) (i32.const 4)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (br $l)))
      (local.set $y (i32.load (i32.shl (local.get $next) (i32.const 2))))
      (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 11))))
      (local.set $y (i32.xor (local.get $y) (i32.and (i32.shl (local.get $y) (i32.const 7)) (i32.const 0x9d2c5680))))
      (local.set $y (i32.xor (local.get $y) (i32.and (i32.shl (local.get $y) (i32.const 15)) (i32.const 0xefc60000))))
      (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 18))))
      (f32.store (local.get $out) (f32.mul
        (f32.convert_i32_u (i32.and (local.get $y) (i32.const 0xffffff))) (f32.const 0x1p-24)))
      (local.set $next (i32.add (local.get $next) (i32.const 1)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (br $l)))
    (local.get $next))

  ;; A value rounded to float32 and back.
  (func $f32 (param $v v128) (result v128)
    (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $v))))

  ;; fdlibm's log for x in [2⁻²⁴, 1] (normal, positive): its three formulas worked out in both lanes and
  ;; the one fdlibm takes picked per lane (with k = 0 each gives what fdlibm's k = 0 branch returns).
  (func $log (param $x v128) (result v128)
    (local $hx v128) (local $k v128) (local $i v128) (local $f v128) (local $dk v128) (local $s v128)
    (local $z v128) (local $w v128) (local $r v128) (local $hfsq v128) (local $small v128) (local $tiny v128)
    (local $a v128) (local $b v128) (local $LN2HI v128) (local $LN2LO v128)
    (local.set $LN2HI (f64x2.splat (f64.const 6.93147180369123816490e-01)))
    (local.set $LN2LO (f64x2.splat (f64.const 1.90821492927058770002e-10)))
    (local.set $hx (i64x2.shr_u (local.get $x) (i32.const 32)))
    (local.set $k (i64x2.sub (i64x2.shr_u (local.get $hx) (i32.const 20)) (i64x2.splat (i64.const 1023))))
    (local.set $hx (v128.and (local.get $hx) (i64x2.splat (i64.const 0x000fffff))))
    (local.set $i (v128.and (i64x2.add (local.get $hx) (i64x2.splat (i64.const 0x95f64)))
      (i64x2.splat (i64.const 0x100000))))
    ;; x or x/2 with the exponent set so that √2/2 ≤ x < √2.
    (local.set $x (v128.or (v128.and (local.get $x) (i64x2.splat (i64.const 0xffffffff)))
      (i64x2.shl (v128.or (local.get $hx) (v128.xor (local.get $i) (i64x2.splat (i64.const 0x3ff00000))))
        (i32.const 32))))
    (local.set $k (i64x2.add (local.get $k) (i64x2.shr_u (local.get $i) (i32.const 20))))
    (local.set $f (f64x2.sub (local.get $x) (f64x2.splat (f64.const 1))))
    ;; k's two lanes (small integers) as the low two i32 lanes, then as doubles.
    (local.set $dk (f64x2.convert_low_i32x4_s
      (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $k) (local.get $k))))
    ;; |f| < 2⁻²⁰.
    (local.set $small (i64x2.lt_s
      (v128.and (i64x2.add (local.get $hx) (i64x2.splat (i64.const 2))) (i64x2.splat (i64.const 0x000fffff)))
      (i64x2.splat (i64.const 3))))
    (local.set $tiny (f64x2.sub (f64x2.mul (local.get $dk) (local.get $LN2HI))
      (f64x2.sub (f64x2.sub
        (f64x2.mul (f64x2.mul (local.get $f) (local.get $f))
          (f64x2.sub (f64x2.splat (f64.const 0.5))
            (f64x2.mul (f64x2.splat (f64.const 0.33333333333333333)) (local.get $f))))
        (f64x2.mul (local.get $dk) (local.get $LN2LO)))
        (local.get $f))))
    (local.set $s (f64x2.div (local.get $f) (f64x2.add (f64x2.splat (f64.const 2)) (local.get $f))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $w (f64x2.mul (local.get $z) (local.get $z)))
    (local.set $r (f64x2.add
      (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const 6.666666666666735130e-01))
        (f64x2.mul (local.get $w) (f64x2.add (f64x2.splat (f64.const 2.857142874366239149e-01))
          (f64x2.mul (local.get $w) (f64x2.add (f64x2.splat (f64.const 1.818357216161805012e-01))
            (f64x2.mul (local.get $w) (f64x2.splat (f64.const 1.479819860511658591e-01)))))))))
      (f64x2.mul (local.get $w) (f64x2.add (f64x2.splat (f64.const 3.999999999940941908e-01))
        (f64x2.mul (local.get $w) (f64x2.add (f64x2.splat (f64.const 2.222219843214978396e-01))
          (f64x2.mul (local.get $w) (f64x2.splat (f64.const 1.531383769920937332e-01)))))))))
    (local.set $hfsq (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $f)) (local.get $f)))
    (local.set $a (f64x2.sub (f64x2.mul (local.get $dk) (local.get $LN2HI))
      (f64x2.sub (f64x2.sub (local.get $hfsq)
        (f64x2.add (f64x2.mul (local.get $s) (f64x2.add (local.get $hfsq) (local.get $r)))
          (f64x2.mul (local.get $dk) (local.get $LN2LO))))
        (local.get $f))))
    (local.set $b (f64x2.sub (f64x2.mul (local.get $dk) (local.get $LN2HI))
      (f64x2.sub (f64x2.sub (f64x2.mul (local.get $s) (f64x2.sub (local.get $f) (local.get $r)))
          (f64x2.mul (local.get $dk) (local.get $LN2LO)))
        (local.get $f))))
    ;; fdlibm takes the first formula where (hx − 0x6147a) | (0x6b851 − hx) > 0.
    (v128.bitselect (local.get $tiny)
      (v128.bitselect (local.get $a) (local.get $b)
        (i64x2.gt_s (v128.or (i64x2.sub (local.get $hx) (i64x2.splat (i64.const 0x6147a)))
            (i64x2.sub (i64x2.splat (i64.const 0x6b851)) (local.get $hx)))
          (i64x2.splat (i64.const 0))))
      (local.get $small)))

  ;; Box–Muller on `blocks` blocks of 16 float32 values from byte `at`: values j and j + 8 (j < 8) hold
  ;; uniforms u1, u2 and become r·cos θ and r·sin θ, r = √(−2 ln(1 − u1)), θ = 2π·u2, every operation in
  ;; float32 as PyTorch's kernel does (2π too). cos and sin: θ reduced by a multiple k of π/2 (fdlibm's
  ;; two-part π/2) to |x| ≤ π/4, Taylor polynomials there, the quadrant's signs and swap by arithmetic.
  (func (export "boxMuller") (param $at i32) (param $blocks i32)
    (local $block i32) (local $j i32) (local $p i32) (local $end i32) (local $r v128) (local $theta v128) (local $k v128) (local $x v128)
    (local $z v128) (local $s v128) (local $c v128) (local $odd v128) (local $even v128) (local $ki v128)
    (local.set $block (local.get $at))
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $blocks) (i32.const 6))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $block) (local.get $end)))
      (local.set $p (i32.add (local.get $block) (local.get $j)))
      (local.set $r (call $f32 (f64x2.sqrt (call $f32 (f64x2.mul (f64x2.splat (f64.const -2))
        (call $f32 (call $log (f64x2.sub (f64x2.splat (f64.const 1))
          (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))))))))))
      (local.set $theta (call $f32 (f64x2.mul (f64x2.splat (f64.const 6.2831854820251465))
        (f64x2.promote_low_f32x4 (v128.load64_zero offset=32 (local.get $p))))))
      (local.set $k (f64x2.floor (f64x2.add
        (f64x2.mul (local.get $theta) (f64x2.splat (f64.const 0.6366197723675814)))
        (f64x2.splat (f64.const 0.5)))))
      (local.set $x (f64x2.sub (f64x2.sub (local.get $theta)
          (f64x2.mul (local.get $k) (f64x2.splat (f64.const 1.5707963267341256))))
        (f64x2.mul (local.get $k) (f64x2.splat (f64.const 6.077100506506192e-11)))))
      (local.set $z (f64x2.mul (local.get $x) (local.get $x)))
      (local.set $s (f64x2.add (local.get $x) (f64x2.mul (f64x2.mul (local.get $x) (local.get $z))
        (f64x2.add (f64x2.splat (f64.const -0.16666666666666666))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const 0.008333333333333333))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const -0.0001984126984126984))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const 0.0000027557319223985893))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const -2.505210838544172e-8))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const 1.6059043836821613e-10))
        (f64x2.mul (local.get $z) (f64x2.splat (f64.const -7.647163731819816e-13)))))))))))))))))
      (local.set $c (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $z)
        (f64x2.add (f64x2.splat (f64.const -0.5))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const 0.041666666666666664))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const -0.001388888888888889))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const 0.0000248015873015873))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const -2.755731922398589e-7))
        (f64x2.mul (local.get $z) (f64x2.add (f64x2.splat (f64.const 2.08767569878681e-9))
        (f64x2.mul (local.get $z) (f64x2.splat (f64.const -1.1470745597729725e-11)))))))))))))))))
      ;; k mod 4 picks cos θ = c, −s, −c, s and sin θ = s, c, −s, −c.
      (local.set $ki (i32x4.trunc_sat_f64x2_s_zero (local.get $k)))
      (local.set $odd (f64x2.convert_low_i32x4_s (v128.and (local.get $ki) (i32x4.splat (i32.const 1)))))
      (local.set $even (f64x2.sub (f64x2.splat (f64.const 1)) (local.get $odd)))
      (v128.store64_lane 0 (local.get $p) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $r)
        (call $f32 (f64x2.mul
          (f64x2.convert_low_i32x4_s (i32x4.sub (i32x4.splat (i32.const 1))
            (v128.and (i32x4.add (local.get $ki) (i32x4.splat (i32.const 1))) (i32x4.splat (i32.const 2)))))
          (f64x2.add (f64x2.mul (local.get $odd) (local.get $s)) (f64x2.mul (local.get $even) (local.get $c))))))))
      (v128.store64_lane offset=32 0 (local.get $p) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $r)
        (call $f32 (f64x2.mul
          (f64x2.convert_low_i32x4_s (i32x4.sub (i32x4.splat (i32.const 1))
            (v128.and (local.get $ki) (i32x4.splat (i32.const 2)))))
          (f64x2.add (f64x2.mul (local.get $odd) (local.get $c)) (f64x2.mul (local.get $even) (local.get $s))))))))
      ;; Two lanes a turn: values j, j+1 and j+8, j+9; after j = 6 the next block.
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (if (i32.eq (local.get $j) (i32.const 32))
        (then (local.set $j (i32.const 0)) (local.set $block (i32.add (local.get $block) (i32.const 64)))))
      (br $l)))
  )
)
