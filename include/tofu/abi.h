/* SPDX-License-Identifier: MIT */
/*
 * tofu's guest ABI: SMCCC function IDs and results that guests rely on.
 * Shared by the hypervisor, the bare-metal guest runtime and the Linux
 * driver and tool; keep it free of any other include.
 *
 * All calls follow SMC Calling Convention 1.1 and are issued with HVC #0
 * (SMC is trapped and treated the same way).  Function ID in w0, arguments
 * in x1..x7, status in x0, results in x1..x3.
 */
#ifndef TOFU_ABI_H
#define TOFU_ABI_H

/* SMCCC function-ID layout (SMCCC 1.1, section 2.5). */
#define SMCCC_FAST_CALL        (1u << 31)
#define SMCCC_SMC64            (1u << 30)
#define SMCCC_OWNER_SHIFT      24
#define SMCCC_OWNER_MASK       0x3fu
#define SMCCC_FUNC_MASK        0xffffu
#define SMCCC_OWNER_ARCH       0u
#define SMCCC_OWNER_STANDARD   4u   /* PSCI */
#define SMCCC_OWNER_STANDARD_HYP 5u /* paravirtualized time (DEN0057) */
#define SMCCC_OWNER_VENDOR_HYP 6u   /* tofu's own calls */

/* SMCCC return codes (SMCCC 1.1, section 7.1); Linux's <linux/arm-smccc.h>
 * defines the same names with the same values. */
#ifndef SMCCC_RET_SUCCESS
#define SMCCC_RET_SUCCESS        0
#define SMCCC_RET_NOT_SUPPORTED  (-1)
#define SMCCC_RET_NOT_REQUIRED   (-2)
#define SMCCC_RET_INVALID_PARAM  (-3)
#endif

/* Arm architecture calls. */
#define SMCCC_VERSION_FID        0x80000000u
#define SMCCC_ARCH_FEATURES_FID  0x80000001u
#define SMCCC_VERSION_1_1        0x10001u

/* Paravirtualized time for Arm (DEN0057A): stolen time.  PV_TIME_ST
 * returns the IPA of the calling vCPU's record, 64 bytes of read-only
 * normal memory: revision (le32, 0), attributes (le32, 0), then the
 * nanoseconds the vCPU was ready to run but did not (le64). */
#define PV_TIME_FEATURES_FID     0xc5000020u
#define PV_TIME_ST_FID           0xc5000021u
#define PV_TIME_ST_SIZE          64u
#define PV_TIME_ST_STOLEN_OFFSET 8u

/* PSCI 1.1 (DEN0022D).  32-bit IDs; the 64-bit ones add SMCCC_SMC64. */
#define PSCI_VERSION_FID           0x84000000u
#define PSCI_CPU_SUSPEND_FID       0x84000001u
#define PSCI_CPU_OFF_FID           0x84000002u
#define PSCI_CPU_ON_FID            0x84000003u
#define PSCI_AFFINITY_INFO_FID     0x84000004u
#define PSCI_MIGRATE_INFO_TYPE_FID 0x84000006u
#define PSCI_SYSTEM_OFF_FID        0x84000008u
#define PSCI_SYSTEM_RESET_FID      0x84000009u
#define PSCI_FEATURES_FID          0x8400000au
#define PSCI_SYSTEM_RESET2_FID     0x84000012u   /* PSCI 1.1; SMC64 form too */
#define PSCI_RESET2_WARM           0u            /* reset_type: SYSTEM_WARM_RESET */
#define PSCI_VERSION_1_1           0x10001u

#define PSCI_RET_SUCCESS            0
#define PSCI_RET_NOT_SUPPORTED      (-1)
#define PSCI_RET_INVALID_PARAMS     (-2)
#define PSCI_RET_DENIED             (-3)
#define PSCI_RET_ALREADY_ON         (-4)
#define PSCI_RET_ON_PENDING         (-5)
#define PSCI_RET_INTERNAL_FAILURE   (-6)
#define PSCI_RET_NOT_PRESENT        (-7)
#define PSCI_RET_DISABLED           (-8)
#define PSCI_RET_INVALID_ADDRESS    (-9)

#define PSCI_AFFINITY_ON            0
#define PSCI_AFFINITY_OFF           1
#define PSCI_AFFINITY_ON_PENDING    2
#define PSCI_MIGRATE_NOT_REQUIRED   2   /* MIGRATE_INFO_TYPE: no trusted OS */

/*
 * tofu vendor-specific hypervisor service (owner 6).  docs/ipc.md is the
 * reference: arguments in x1..x5, status in x0 (TOFU_OK or a TOFU_E_* code),
 * results in x1..x3.  Addresses are IPAs of the caller.
 */
#define TOFU_HC_CALL_COUNT  0x8600ff00u  /* x0 = number of tofu calls */
#define TOFU_HC_CALL_UID    0x8600ff01u  /* x0..x3 = TOFU_UID_0..3 */
#define TOFU_HC_REVISION    0x8600ff03u  /* x0 = major, x1 = minor */
#define TOFU_HC_VM_ID       0xc6000001u  /* -> x1 = own VM-ID, x2 = vCPU index */
#define TOFU_HC_VM_LOOKUP   0xc6000002u  /* x1, x2 = name (16 bytes, NUL-padded) -> x1 = VM-ID */
#define TOFU_HC_MSG_SEND    0xc6000003u  /* x1 = VM-ID, x2 = buffer IPA, x3 = length */
#define TOFU_HC_MSG_RECV    0xc6000004u  /* x1 = buffer IPA, x2 = buffer size -> x1 = sender, x2 = length, x3 = still queued */
#define TOFU_HC_DOORBELL    0xc6000005u  /* x1 = VM-ID: raise its doorbell, no message */
#define TOFU_HC_SHARE       0xc6000006u  /* x1 = IPA, x2 = size, x3 = rights, x4 = VM-ID or 0 -> x1 = share-ID */
#define TOFU_HC_MAP         0xc6000007u  /* x1 = share-ID, x2 = IPA -> x1 = size, x2 = rights */
#define TOFU_HC_UNMAP       0xc6000008u  /* x1 = share-ID */
#define TOFU_HC_REVOKE      0xc6000009u  /* x1 = share-ID (owner only) */
/*
 * The VM's watchdog (docs/ipc.md, "Watchdog"): once armed, a VM that does not
 * pet it within the timeout has hung; tofu stops it ("watchdog expired") and
 * applies its on-failure policy.  Shared with the VM's SP805, if it has one.
 */
#define TOFU_HC_WDOG_ARM    0xc600000au  /* x1 = timeout in ms (TOFU_WDOG_MIN_MS..MAX_MS); arms or re-arms */
#define TOFU_HC_WDOG_PET    0xc600000bu  /* the timeout starts again */
#define TOFU_HC_WDOG_DISARM 0xc600000cu
/*
 * virtio devices served by a backend VM (docs/virtio.md): tofu emulates the
 * frontend's virtio-mmio window from what the backend registered, and tells
 * the backend only of events (messages from VM-ID 0, tofu/virtio.h).
 */
#define TOFU_HC_VIRTIO_REGISTER 0xc600000du  /* x1 = device, x2 = IPA of struct tofu_virtio_reg, x3 = its size */
#define TOFU_HC_VIRTIO_EVENT    0xc600000eu  /* x1 = device, x2 = VIRTIO_MSG_EVENT_USED or _CONFIG */
#define TOFU_HC_VIRTIO_RESET_DONE 0xc600000fu /* x1 = device, x2 = the reset's msg_uid: it is done */
#define TOFU_HC_FIRST_NUM   1u
#define TOFU_HC_LAST_NUM    15u
#define TOFU_WDOG_MIN_MS    10u
#define TOFU_WDOG_MAX_MS    3600000u     /* one hour */

#define TOFU_MSG_MAX        240u         /* bytes per message */
#define TOFU_QUEUE_DEPTH    16u          /* messages queued per receiving VM */
/*
 * Events from tofu itself arrive as messages from VM-ID 0, before any
 * message from a VM, 8 bytes: the event type, then the VM-ID it is about
 * (both little-endian 32-bit).  A peer on a channel that stops gets
 * PEER_DOWN (its shares are revoked by then); when it starts again, PEER_UP.
 * Each is kept once per peer until read: a peer that restarts twice before
 * the reader looks is one PEER_DOWN, then one PEER_UP.
 */
#define TOFU_VM_ID_TOFU      0u
#define TOFU_EVENT_BYTES     8u
#define TOFU_EVENT_PEER_DOWN 1u
#define TOFU_EVENT_PEER_UP   2u
#define TOFU_SHARE_RO       1u
#define TOFU_SHARE_RW       3u

/* "tofu-hyp" + a version nibble, as four little-endian words. */
#define TOFU_UID_0          0x75666f74u  /* "tofu" */
#define TOFU_UID_1          0x7079682du  /* "-hyp" */
#define TOFU_UID_2          0x2d766d68u  /* "hmv-" */
#define TOFU_UID_3          0x00000001u
#define TOFU_REVISION_MAJOR 0
#define TOFU_REVISION_MINOR 4

/* tofu call status codes (x0). Stable: guests compare against these. */
#define TOFU_OK              0
#define TOFU_E_NOT_SUPPORTED (-1)   /* unknown call */
#define TOFU_E_INVALID       (-3)   /* malformed argument: alignment, size, rights */
#define TOFU_E_NO_VM         (-4)   /* no such VM */
#define TOFU_E_DENIED        (-5)   /* no channel declared between the two VMs */
#define TOFU_E_TOO_BIG       (-6)   /* message longer than TOFU_MSG_MAX */
#define TOFU_E_FULL          (-7)   /* receiver's queue full: retry later */
#define TOFU_E_EMPTY         (-8)   /* no message pending */
#define TOFU_E_NOT_OWNER     (-9)   /* memory or share not the caller's */
#define TOFU_E_OVERLAP       (-10)  /* IPA range already in use */
#define TOFU_E_BAD_SHARE     (-11)  /* no such share-ID, or not for this VM */
#define TOFU_E_REVOKED       (-12)  /* the owner took the region back */
#define TOFU_E_BUSY          (-13)  /* already mapped / no share slot left */
#define TOFU_E_STOPPED       (-14)  /* the receiving VM is not running */
#define TOFU_E_NO_MEMORY     (-15)  /* the caller's stage-2 table budget is spent */
#define TOFU_E_NOT_ARMED     (-16)  /* WDOG_PET without WDOG_ARM */
#define TOFU_E_NO_DEVICE     (-17)  /* no such virtio device, or not served by the caller */

/* The name of a status, for messages (both guest libraries use it). */
static inline const char *tofu_status_name(int status)
{
    switch (status) {
    case TOFU_OK: return "TOFU_OK";
    case TOFU_E_NOT_SUPPORTED: return "TOFU_E_NOT_SUPPORTED";
    case TOFU_E_INVALID: return "TOFU_E_INVALID";
    case TOFU_E_NO_VM: return "TOFU_E_NO_VM";
    case TOFU_E_DENIED: return "TOFU_E_DENIED";
    case TOFU_E_TOO_BIG: return "TOFU_E_TOO_BIG";
    case TOFU_E_FULL: return "TOFU_E_FULL";
    case TOFU_E_EMPTY: return "TOFU_E_EMPTY";
    case TOFU_E_NOT_OWNER: return "TOFU_E_NOT_OWNER";
    case TOFU_E_OVERLAP: return "TOFU_E_OVERLAP";
    case TOFU_E_BAD_SHARE: return "TOFU_E_BAD_SHARE";
    case TOFU_E_REVOKED: return "TOFU_E_REVOKED";
    case TOFU_E_BUSY: return "TOFU_E_BUSY";
    case TOFU_E_STOPPED: return "TOFU_E_STOPPED";
    case TOFU_E_NO_MEMORY: return "TOFU_E_NO_MEMORY";
    case TOFU_E_NOT_ARMED: return "TOFU_E_NOT_ARMED";
    case TOFU_E_NO_DEVICE: return "TOFU_E_NO_DEVICE";
    default: return "TOFU_E_UNKNOWN";
    }
}

#endif /* TOFU_ABI_H */
