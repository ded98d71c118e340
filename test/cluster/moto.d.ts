/** An AWS API emulator (moto server) for RDS, Secrets Manager and EC2, with the network an RDS instance needs. */
export interface Moto {
    pid: number;
    /** What AWS_ENDPOINT_URL points at; every service is served on this one endpoint. */
    endpoint: string;
    region: string;
    logFile: string;
    network: AwsTestNetwork;
}
/** The VPC pieces created in moto so `CreateDBInstance` with a subnet group and security group works. */
export interface AwsTestNetwork {
    vpcId: string;
    subnetIds: string[];
    /** A DB subnet group spanning the subnets (one per availability zone). */
    dbSubnetGroupName: string;
    /** Allows PostgreSQL (5432) from inside the VPC. */
    securityGroupId: string;
}
export declare const awsRegion = "us-west-2";
export declare const dbSubnetGroupName = "petstore-test";
/** The standard AWS SDK settings that point a client (the operator, a test) at moto. */
export declare function awsEnvironment(moto: Pick<Moto, 'endpoint' | 'region'>): Record<string, string>;
/** Starts moto_server on a free loopback port with its log in `runDir`, and creates the test network in it. */
export declare function startMoto(runDir: string, motoServer: string): Promise<Moto>;
/** Whether moto still answers (its state lives in memory, so a restarted moto needs a new network). */
export declare function motoHealthy(moto: Moto): Promise<boolean>;
