/**
 * The VM sizes the emulator's regions offer today, with the quota family Azure counts their cores in.
 * Not listed: the retired NCv3 (NC6s/NC12s/NC24s v3, retired 2025-09-30) and NDv2 (ND40rs v2, retired
 * 2025-09-30) families (see shared/src/azureml/compute-fit.ts RETIRED_VM_FAMILIES for the sources), so a
 * cluster or deployment on them is refused as Azure refuses it. vCPUs, GPUs, memory and temporary disk are
 * those of Microsoft Learn's size pages (NCads A100 v4, NCasT4 v3, NCads H100 v5, NDasrA100 v4, Dv2, Fsv2, Esv3).
 */
export interface VmSize {
  name: string;
  family: string;
  familyName: string;
  vCPUs: number;
  gpus: number;
  memoryGB: number;
  /** The local (temporary) disk, what a model's minimum spec counts as its disk. */
  maxResourceVolumeMB: number;
  /**
   * Dedicated cores the emulator grants a subscription in this family unless a test sets a limit (A100: 96, so
   * that test files running side by side, whose jobs and deployments now hold cores while they run, do not
   * hold each other back).
   */
  defaultQuota: number;
}

export const VM_SIZES: VmSize[] = [
  {
    name: "Standard_NC24ads_A100_v4",
    family: "standardNCADSA100v4Family",
    familyName: "Standard NCADSA100v4 Family",
    vCPUs: 24,
    gpus: 1,
    memoryGB: 220,
    maxResourceVolumeMB: 65536,
    defaultQuota: 96,
  },
  {
    name: "Standard_NC48ads_A100_v4",
    family: "standardNCADSA100v4Family",
    familyName: "Standard NCADSA100v4 Family",
    vCPUs: 48,
    gpus: 2,
    memoryGB: 440,
    maxResourceVolumeMB: 131072,
    defaultQuota: 96,
  },
  {
    name: "Standard_NC96ads_A100_v4",
    family: "standardNCADSA100v4Family",
    familyName: "Standard NCADSA100v4 Family",
    vCPUs: 96,
    gpus: 4,
    memoryGB: 880,
    maxResourceVolumeMB: 262144,
    defaultQuota: 96,
  },
  {
    name: "Standard_NC4as_T4_v3",
    family: "standardNCASv3_T4Family",
    familyName: "Standard NCASv3_T4 Family",
    vCPUs: 4,
    gpus: 1,
    memoryGB: 28,
    maxResourceVolumeMB: 180224,
    defaultQuota: 8,
  },
  {
    name: "Standard_NC16as_T4_v3",
    family: "standardNCASv3_T4Family",
    familyName: "Standard NCASv3_T4 Family",
    vCPUs: 16,
    gpus: 1,
    memoryGB: 110,
    maxResourceVolumeMB: 360448,
    defaultQuota: 8,
  },
  {
    name: "Standard_NC40ads_H100_v5",
    family: "standardNCadsH100v5Family",
    familyName: "Standard NCadsH100v5 Family",
    vCPUs: 40,
    gpus: 1,
    memoryGB: 320,
    maxResourceVolumeMB: 131072,
    defaultQuota: 0,
  },
  {
    name: "Standard_ND96asr_v4",
    family: "standardNDASv4_A100Family",
    familyName: "Standard NDASv4_A100 Family",
    vCPUs: 96,
    gpus: 8,
    memoryGB: 900,
    maxResourceVolumeMB: 6144000,
    defaultQuota: 0,
  },
  {
    name: "Standard_NC80adis_H100_v5",
    family: "standardNCadsH100v5Family",
    familyName: "Standard NCadsH100v5 Family",
    vCPUs: 80,
    gpus: 2,
    memoryGB: 640,
    maxResourceVolumeMB: 262144,
    defaultQuota: 0,
  },
  {
    name: "Standard_ND96amsr_A100_v4",
    family: "standardNDAMSv4_A100Family",
    familyName: "Standard NDAMSv4_A100 Family",
    vCPUs: 96,
    gpus: 8,
    memoryGB: 1900,
    maxResourceVolumeMB: 6553600,
    defaultQuota: 0,
  },
  {
    name: "Standard_DS3_v2",
    family: "standardDSv2Family",
    familyName: "Standard DSv2 Family",
    vCPUs: 4,
    gpus: 0,
    memoryGB: 14,
    maxResourceVolumeMB: 28672,
    defaultQuota: 100,
  },
  {
    name: "Standard_F4s_v2",
    family: "standardFSv2Family",
    familyName: "Standard FSv2 Family",
    vCPUs: 4,
    gpus: 0,
    memoryGB: 8,
    maxResourceVolumeMB: 32768,
    defaultQuota: 100,
  },
  {
    name: "Standard_E4s_v3",
    family: "standardESv3Family",
    familyName: "Standard ESv3 Family",
    vCPUs: 4,
    gpus: 0,
    memoryGB: 32,
    maxResourceVolumeMB: 65536,
    defaultQuota: 100,
  },
];

export const vmSize = (name: string) => VM_SIZES.find((v) => v.name.toLowerCase() === name.toLowerCase());

/** Every VM's OS disk as the vmSizes API reports it (1023 GB). */
const OS_VHD_MB = 1047552;

/**
 * Compute types a size serves (`supportedComputeTypes`): every size here runs AmlCompute clusters and compute
 * instances, and the managed online endpoints SKU list (learn.microsoft.com/azure/machine-learning/
 * reference-managed-online-endpoints-vm-sku-list) lists all of them for managed online deployments, which the
 * VM sizes API calls "MIR" (examples/VirtualMachineSize/list.json of the 2025-12-01 spec).
 */
const COMPUTE_TYPES = ["AmlCompute", "ComputeInstance", "MIR"];

/** A size as GET .../locations/{loc}/vmSizes answers it (VirtualMachineSize, 2025-12-01), with the region's price. */
export const vmSizeResource = (v: VmSize, estimatedVMPrices?: unknown) => ({
  name: v.name,
  family: v.family,
  vCPUs: v.vCPUs,
  gpus: v.gpus,
  memoryGB: v.memoryGB,
  osVhdSizeMB: OS_VHD_MB,
  maxResourceVolumeMB: v.maxResourceVolumeMB,
  lowPriorityCapable: true,
  premiumIO: true,
  ...(estimatedVMPrices ? { estimatedVMPrices } : {}),
  supportedComputeTypes: COMPUTE_TYPES,
});
