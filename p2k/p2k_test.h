/* p2k_test.h: what libp2k's unit tests may see of its state (no kernel headers needed). */
#ifndef P2K_P2K_TEST_H
#define P2K_P2K_TEST_H

struct p2k_mount;

/* Node ids the host currently holds (not counting the root). */
unsigned long	p2k_test_nnodes(struct p2k_mount *pm);

#endif /* P2K_P2K_TEST_H */
