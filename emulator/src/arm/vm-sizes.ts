/** The VM sizes the emulator knows, with the quota family Azure counts their cores in. */
export interface VmSize {
  name: string;
  family: string;
  familyName: string;
  vCPUs: number;
  gpus: number;
  memoryGB: number;
  /** Dedicated cores the emulator grants a new subscription in this family. */
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
    defaultQuota: 24,
  },
  {
    name: "Standard_NC48ads_A100_v4",
    family: "standardNCADSA100v4Family",
    familyName: "Standard NCADSA100v4 Family",
    vCPUs: 48,
    gpus: 2,
    memoryGB: 440,
    defaultQuota: 24,
  },
  {
    name: "Standard_NC96ads_A100_v4",
    family: "standardNCADSA100v4Family",
    familyName: "Standard NCADSA100v4 Family",
    vCPUs: 96,
    gpus: 4,
    memoryGB: 880,
    defaultQuota: 24,
  },
  {
    name: "Standard_NC6s_v3",
    family: "standardNCSv3Family",
    familyName: "Standard NCSv3 Family",
    vCPUs: 6,
    gpus: 1,
    memoryGB: 112,
    defaultQuota: 48,
  },
  {
    name: "Standard_NC12s_v3",
    family: "standardNCSv3Family",
    familyName: "Standard NCSv3 Family",
    vCPUs: 12,
    gpus: 2,
    memoryGB: 224,
    defaultQuota: 48,
  },
  {
    name: "Standard_NC24s_v3",
    family: "standardNCSv3Family",
    familyName: "Standard NCSv3 Family",
    vCPUs: 24,
    gpus: 4,
    memoryGB: 448,
    defaultQuota: 48,
  },
  {
    name: "Standard_NC4as_T4_v3",
    family: "standardNCASv3_T4Family",
    familyName: "Standard NCASv3_T4 Family",
    vCPUs: 4,
    gpus: 1,
    memoryGB: 28,
    defaultQuota: 8,
  },
  {
    name: "Standard_NC16as_T4_v3",
    family: "standardNCASv3_T4Family",
    familyName: "Standard NCASv3_T4 Family",
    vCPUs: 16,
    gpus: 1,
    memoryGB: 110,
    defaultQuota: 8,
  },
  {
    name: "Standard_NC40ads_H100_v5",
    family: "standardNCadsH100v5Family",
    familyName: "Standard NCadsH100v5 Family",
    vCPUs: 40,
    gpus: 1,
    memoryGB: 320,
    defaultQuota: 0,
  },
  {
    name: "Standard_ND96asr_v4",
    family: "standardNDASv4_A100Family",
    familyName: "Standard NDASv4_A100 Family",
    vCPUs: 96,
    gpus: 8,
    memoryGB: 900,
    defaultQuota: 0,
  },
  {
    name: "Standard_DS3_v2",
    family: "standardDSv2Family",
    familyName: "Standard DSv2 Family",
    vCPUs: 4,
    gpus: 0,
    memoryGB: 14,
    defaultQuota: 100,
  },
  {
    name: "Standard_F4s_v2",
    family: "standardFSv2Family",
    familyName: "Standard FSv2 Family",
    vCPUs: 4,
    gpus: 0,
    memoryGB: 8,
    defaultQuota: 100,
  },
  {
    name: "Standard_E4s_v3",
    family: "standardESv3Family",
    familyName: "Standard ESv3 Family",
    vCPUs: 4,
    gpus: 0,
    memoryGB: 32,
    defaultQuota: 100,
  },
];

export const vmSize = (name: string) => VM_SIZES.find((v) => v.name.toLowerCase() === name.toLowerCase());
