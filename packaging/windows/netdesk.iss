; Inno Setup 6 script: NetDesk's Windows installer (Start menu entry, .vcf association,
; optional start at sign-in, uninstaller). Built by `python packaging\build.py windows`,
; which freezes the app into dist\netdesk first, then runs:
;   iscc /DAppVersion=0.1.0 /DRepo=C:\path\to\netdesk packaging\windows\netdesk.iss

#if Ver < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (; Qt 6.11 needs Windows 10 1809 (build 17763) or newer.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible)
#endif

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef Repo
  ; Relative paths are relative to this script's folder.
  #define Repo "..\.."
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{970E4A04-C3CB-412C-AA54-00757DA73F78}
AppName=NetDesk
AppVersion={#AppVersion}
AppVerName=NetDesk {#AppVersion}
AppPublisher=NetDesk developers
AppComments=Keep your job-search network and know who to write to
DefaultDirName={autopf}\NetDesk
DefaultGroupName=NetDesk
DisableProgramGroupPage=yes
; Per-user by default (no administrator needed); the user may choose all users instead.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; Qt 6.11 needs Windows 10 1809 (build 17763) or newer.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
CloseApplications=yes
OutputDir={#Repo}\dist
OutputBaseFilename=NetDesk-{#AppVersion}-setup
SetupIconFile={#Repo}\build\icons\netdesk.ico
UninstallDisplayIcon={app}\netdesk.exe
UninstallDisplayName=NetDesk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "vcfassoc"; Description: "Open vCard (.vcf) files with NetDesk"; GroupDescription: "File types:"
Name: "startup"; Description: "Start NetDesk in the notification area when I sign in"; GroupDescription: "Other:"; Flags: unchecked
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Repo}\dist\netdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\NetDesk"; Filename: "{app}\netdesk.exe"; Comment: "Keep your job-search network"
Name: "{autodesktop}\NetDesk"; Filename: "{app}\netdesk.exe"; Tasks: desktopicon

[Registry]
; HKA is HKCU for a per-user install and HKLM for an all-users one.
Root: HKA; Subkey: "Software\Classes\.vcf\OpenWithProgids"; ValueType: string; ValueName: "NetDesk.vCard"; ValueData: ""; Flags: uninsdeletevalue; Tasks: vcfassoc
Root: HKA; Subkey: "Software\Classes\NetDesk.vCard"; ValueType: string; ValueName: ""; ValueData: "vCard contact file"; Flags: uninsdeletekey; Tasks: vcfassoc
Root: HKA; Subkey: "Software\Classes\NetDesk.vCard\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\netdesk.exe,0"; Tasks: vcfassoc
Root: HKA; Subkey: "Software\Classes\NetDesk.vCard\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\netdesk.exe"" ""%1"""; Tasks: vcfassoc
Root: HKA; Subkey: "Software\Classes\Applications\netdesk.exe\SupportedTypes"; ValueType: string; ValueName: ".vcf"; ValueData: ""; Flags: uninsdeletekey; Tasks: vcfassoc
; Start at sign-in, in the tray only (the user's own Run key, whatever the install mode).
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "NetDesk"; ValueData: """{app}\netdesk.exe"" --background"; Flags: uninsdeletevalue; Tasks: startup

[Run]
Filename: "{app}\netdesk.exe"; Description: "{cm:LaunchProgram,NetDesk}"; Flags: nowait postinstall skipifsilent

[Code]
// "Start at sign-in" may also have been switched on from Preferences, which writes the same
// Run value without the installer knowing: remove it with the app, so no sign-in ever runs
// a missing program.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RegDeleteValue(HKEY_CURRENT_USER, 'Software\Microsoft\Windows\CurrentVersion\Run', 'NetDesk');
end;
