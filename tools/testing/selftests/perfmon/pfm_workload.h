/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workloads with an exact event count, whose code addresses are known:
 *
 * pfm_loop(n)              exactly 2 * n user instructions (n >= 1)
 * pfm_touch(p, n, stride)  one byte written every @stride bytes from @p,
 *                          n times (n >= 1): n page faults on fresh pages
 *
 * Each lies in [symbol, symbol_end), so a test can tell whether an
 * interrupted address is inside it. On 32-bit callers (i386, AArch32)
 * n and stride must be below 2^32. Include this header from one file of
 * a program only.
 */
#ifndef __SELFTESTS_PERFMON_WORKLOAD_H
#define __SELFTESTS_PERFMON_WORKLOAD_H

#include <stdint.h>

void pfm_loop(uint64_t n);
extern const char pfm_loop_end[];
void pfm_touch(void *p, uint64_t n, uint64_t stride);
extern const char pfm_touch_end[];

#if defined(__aarch64__)
__asm__(".text\n"
	".global pfm_loop\n"
	".type pfm_loop, %function\n"
	"pfm_loop:\n"
	"1:	subs	x0, x0, #1\n"
	"	b.ne	1b\n"
	"	ret\n"
	".global pfm_loop_end\n"
	"pfm_loop_end:\n"
	".global pfm_touch\n"
	".type pfm_touch, %function\n"
	"pfm_touch:\n"
	"1:	strb	wzr, [x0]\n"
	"	add	x0, x0, x2\n"
	"	subs	x1, x1, #1\n"
	"	b.ne	1b\n"
	"	ret\n"
	".global pfm_touch_end\n"
	"pfm_touch_end:\n");
#elif defined(__x86_64__)
__asm__(".text\n"
	".global pfm_loop\n"
	".type pfm_loop, @function\n"
	"pfm_loop:\n"
	"1:	dec	%rdi\n"
	"	jnz	1b\n"
	"	ret\n"
	".global pfm_loop_end\n"
	"pfm_loop_end:\n"
	".global pfm_touch\n"
	".type pfm_touch, @function\n"
	"pfm_touch:\n"
	"1:	movb	$0, (%rdi)\n"
	"	add	%rdx, %rdi\n"
	"	dec	%rsi\n"
	"	jnz	1b\n"
	"	ret\n"
	".global pfm_touch_end\n"
	"pfm_touch_end:\n");
#elif defined(__i386__)
/* 32-bit callers: n and stride below 2^32; arguments on the stack */
__asm__(".text\n"
	".global pfm_loop\n"
	".type pfm_loop, @function\n"
	"pfm_loop:\n"
	"	mov	4(%esp), %ecx\n"
	"1:	dec	%ecx\n"
	"	jnz	1b\n"
	"	ret\n"
	".global pfm_loop_end\n"
	"pfm_loop_end:\n"
	".global pfm_touch\n"
	".type pfm_touch, @function\n"
	"pfm_touch:\n"
	"	mov	4(%esp), %eax\n"
	"	mov	8(%esp), %ecx\n"
	"	mov	16(%esp), %edx\n"
	"1:	movb	$0, (%eax)\n"
	"	add	%edx, %eax\n"
	"	dec	%ecx\n"
	"	jnz	1b\n"
	"	ret\n"
	".global pfm_touch_end\n"
	"pfm_touch_end:\n");
#elif defined(__arm__)
/* AArch32 (A32 code), n and stride below 2^32: n in r0 (loop), r2 (touch) */
__asm__(".text\n"
	".arm\n"
	".global pfm_loop\n"
	".type pfm_loop, %function\n"
	"pfm_loop:\n"
	"1:	subs	r0, r0, #1\n"
	"	bne	1b\n"
	"	bx	lr\n"
	".global pfm_loop_end\n"
	"pfm_loop_end:\n"
	".global pfm_touch\n"
	".type pfm_touch, %function\n"
	"pfm_touch:\n"
	"	ldr	r1, [sp]\n"
	"	mov	r3, #0\n"
	"1:	strb	r3, [r0]\n"
	"	add	r0, r0, r1\n"
	"	subs	r2, r2, #1\n"
	"	bne	1b\n"
	"	bx	lr\n"
	".global pfm_touch_end\n"
	"pfm_touch_end:\n");
#else
#error "pfm_workload.h: no workloads for this architecture"
#endif

#endif /* __SELFTESTS_PERFMON_WORKLOAD_H */
