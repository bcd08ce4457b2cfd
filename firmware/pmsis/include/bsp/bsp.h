/*
 * bsp/bsp.h for PMSIS programs. The PULP board support package configures boards (flash,
 * RAM, cameras, ...); pulp-cluster has none of that. This header exists so that code which
 * includes it (e.g. PULP-TrainLib's pulp_mhsa_fp16.h) compiles; it declares nothing but the
 * file-system types of bsp/fs.h.
 */
#ifndef PMSIS_BSP_BSP_H
#define PMSIS_BSP_BSP_H

#include "pmsis.h"
#include "bsp/fs.h"

#endif /* PMSIS_BSP_BSP_H */
