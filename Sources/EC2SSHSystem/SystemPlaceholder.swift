/// The host side of aws-ec2-ssh: accounts, files, locks, processes and logging.
public enum EC2SSHSystem {
    /// The syslog tag every log line carries.
    public static let syslogTag = "aws-ec2-ssh"
}
